-- The demo's publication outbox: an exemplar loaded as already approved
-- gets its publication queued, as the director's approval through the API
-- would have done, so `thidua push` sends it after `make run`.
SELECT thidua_enqueue_exemplar(x.id, NULL)
FROM exemplars x
WHERE x.state = 'approved'
  AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.exemplar_id = x.id AND p.kind = 'exemplar')
ORDER BY x.id;
