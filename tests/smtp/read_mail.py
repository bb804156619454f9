#!/usr/bin/python3
"""Prints, as JSON, the messages of a maildir (new/ and cur/) as a mail
reader sees them: the decoded subject (RFC 2047), Message-ID, From, To,
the text body, and each attachment's file name, type, size and SHA-256.
  read_mail.py MAILDIR [MESSAGE-ID]   only the messages with that Message-ID"""
import email
import email.policy
import hashlib
import json
import mailbox
import sys


def main():
    box = mailbox.Maildir(sys.argv[1], create=False)
    want = sys.argv[2] if len(sys.argv) > 2 else None
    out = []
    for key in sorted(box.keys()):
        with box.get_file(key) as f:
            raw = f.read()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        plain = email.message_from_bytes(raw)  # compat32: header values as sent
        if want and msg["Message-ID"] != want:
            continue
        body = msg.get_body(preferencelist=("plain",))
        atts = []
        for part in msg.iter_attachments():
            data = part.get_payload(decode=True) or b""
            atts.append({"filename": part.get_filename(), "content_type": part.get_content_type(),
                         "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        out.append({"message_id": msg["Message-ID"], "subject": str(msg["Subject"]),
                    "raw_subject": str(plain["Subject"]),
                    "from": str(msg["From"]), "to": str(msg["To"]),
                    "body": body.get_content() if body else None, "attachments": atts})
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
