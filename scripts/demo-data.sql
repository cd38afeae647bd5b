-- The demo certification body of local development, with fixed credentials: public dev values, printed
-- by `npm run dev`, never to be used elsewhere. Everything else of the demo (structures, audits,
-- surveys, labels in every state) is built through the API and signed webhooks: scripts/demo.mjs.
--   API key:        spp_demo_certifier_key_for_local_dev_only
--   webhook secret: whsec_ZGVtby13ZWJob29rLXNlY3JldC1sb2NhbC1kZXYtb25seSEh
-- Applied on every start: idempotent. Its habilitation covers the demo's oldest event (a label awarded
-- more than 3 years ago, now expired) and every day to come; reset here if an admin changed it.

INSERT INTO certifiers (id, name, siret, contact_email, habilitation_from, habilitation_until, habilitation_status)
VALUES ('oc_demo', 'Organisme de certification Démo (fictif)', NULL, 'contact@oc-demo.example', '2023-09-01', '2099-12-31', 'active')
ON CONFLICT (id) DO UPDATE SET habilitation_from = excluded.habilitation_from,
  habilitation_until = excluded.habilitation_until, habilitation_status = excluded.habilitation_status;

INSERT OR IGNORE INTO api_keys (id, hash, prefix, role, certifier_id, name)
VALUES ('key_demo', '3ddc190b04bac3d6349a5bb69a49516de107e21fe5fe8ffe21665addfd70b974', 'spp_demo_c', 'certifier', 'oc_demo', 'demo');

INSERT OR IGNORE INTO webhook_secrets (id, certifier_id, secret)
VALUES ('whs_demo', 'oc_demo', 'whsec_ZGVtby13ZWJob29rLXNlY3JldC1sb2NhbC1kZXYtb25seSEh');
