#!/usr/bin/python3
"""A real SMTP server for the local stack and the tests: aiosmtpd (Debian's
python3-aiosmtpd, RFC 5321 with STARTTLS and AUTH), unprivileged on a high
port, storing every accepted message in a maildir that tests and people
read (var/STACK/mail/new/).

  smtpd.py --port P --maildir DIR [--cert CRT --key KEY] [--credentials FILE]
           [--size-limit BYTES] [--pidfile FILE] [--log FILE]

With --cert and --key the server offers STARTTLS and refuses MAIL before
it (require_starttls), and AUTH only inside TLS. Without them it offers no
STARTTLS at all: a server a sender must refuse. --credentials: a file of
two lines (user name, password); AUTH PLAIN/LOGIN is then required.
--log: one line per SMTP command that reached the server (MAIL, RCPT,
DATA), with whether the session was encrypted, so a test can tell that
nothing was sent in clear."""
import argparse
import warnings
import asyncio
import mailbox
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

warnings.filterwarnings("ignore", category=DeprecationWarning)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--credentials")
    ap.add_argument("--size-limit", type=int, default=30 * 1024 * 1024 * 4 // 3 + 1024 * 1024)
    ap.add_argument("--pidfile")
    ap.add_argument("--log")
    a = ap.parse_args()

    box = mailbox.Maildir(a.maildir, create=True)
    for sub in ("tmp", "new", "cur"):  # a directory made empty beforehand has none
        os.makedirs(os.path.join(a.maildir, sub), exist_ok=True)
    log = open(a.log, "a", buffering=1) if a.log else None

    def note(session, what):
        if log:
            log.write("%s tls=%s\n" % (what, "yes" if session.ssl else "no"))

    class Handler:
        async def handle_MAIL(self, server, session, envelope, address, options):
            note(session, "MAIL " + address)
            envelope.mail_from = address
            envelope.mail_options.extend(options)
            return "250 OK"

        async def handle_RCPT(self, server, session, envelope, address, options):
            note(session, "RCPT " + address)
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            note(session, "DATA %d bytes" % len(envelope.original_content or b""))
            box.add(envelope.original_content)
            return "250 Message accepted for delivery"

    creds = None
    if a.credentials:
        with open(a.credentials) as f:
            lines = f.read().splitlines()
        creds = (lines[0].encode(), lines[1].encode())

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = creds is not None and isinstance(auth_data, LoginPassword) and \
            (auth_data.login, auth_data.password) == creds
        return AuthResult(success=ok)

    ctx = None
    if a.cert and a.key:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)

    def factory():
        kw = dict(data_size_limit=a.size_limit, enable_SMTPUTF8=True, hostname="thidua-smtp.local")
        if ctx:
            kw.update(tls_context=ctx, require_starttls=True)
        if creds:
            kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
        return SMTP(Handler(), **kw)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, host=a.host, port=a.port))
    if a.pidfile:
        with open(a.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    print("smtpd: %s:%d, STARTTLS %s, maildir %s" % (a.host, a.port, "required" if ctx else "not offered", a.maildir),
          file=sys.stderr, flush=True)
    loop.run_forever()
    server.close()
    if a.pidfile:
        try:
            os.unlink(a.pidfile)
        except OSError:
            pass


if __name__ == "__main__":
    main()
