-- Demo data for local development: obviously fictional structures and one certification body.
-- Idempotent (INSERT OR IGNORE): `npm run dev` applies it on every start, then the public read model's
-- backfill migration (scripts/backfill-file.mjs) so the demo structures have their public rows.
-- The demo body's credentials are public dev values, printed by `npm run dev`; never use them elsewhere.
--   API key:        spp_demo_certifier_key_for_local_dev_only
--   webhook secret: whsec_ZGVtby13ZWJob29rLXNlY3JldC1sb2NhbC1kZXYtb25seSEh

INSERT OR IGNORE INTO certifiers (id, name, siret, contact_email, habilitation_from, habilitation_until, habilitation_status)
VALUES ('oc_demo', 'Organisme de certification Démo (fictif)', NULL, 'contact@oc-demo.example', '2024-01-01', '2030-12-31', 'active');

INSERT OR IGNORE INTO api_keys (id, hash, prefix, role, certifier_id, name)
VALUES ('key_demo', '3ddc190b04bac3d6349a5bb69a49516de107e21fe5fe8ffe21665addfd70b974', 'spp_demo_c', 'certifier', 'oc_demo', 'demo');

INSERT OR IGNORE INTO webhook_secrets (id, certifier_id, secret)
VALUES ('whs_demo', 'oc_demo', 'whsec_ZGVtby13ZWJob29rLXNlY3JldC1sb2NhbC1kZXYtb25seSEh');

INSERT OR IGNORE INTO structures (code, name, network, typology, category, parent_code, postcode, city, department, region, website, contacts, certifier_id, contract_ref, search_text)
VALUES
  ('DEMO-RESEAU', 'Réseau de démonstration (fictif)', 'Démo', 'Tête de réseau', 'etablissement_public_etat', NULL, '75007', 'Paris', '75', 'Île-de-France', 'https://demo.example', '[{"email":"qualite@reseau-demo.example","role":"Pilote qualité"}]', NULL, NULL, 'reseau de demonstration (fictif) demo-reseau'),
  ('DEMO-PREF-01', 'Préfecture de Démoville (fictive)', 'Démo', 'Accueil physique', 'service_deconcentre_etat', 'DEMO-RESEAU', '01000', 'Démoville', '01', 'Auvergne-Rhône-Alpes', NULL, '[{"email":"accueil@demoville.example","role":"Référente qualité"}]', 'oc_demo', 'MARCHE-DEMO-001', 'prefecture de demoville (fictive) demo-pref-01'),
  ('DEMO-CAF-2A', 'Caisse de démonstration de Corse-du-Sud (fictive)', 'Démo', 'Accueil téléphonique', 'organisme_securite_sociale', 'DEMO-RESEAU', '20000', 'Ajaccio-Démo', '2A', 'Corse', NULL, '[{"email":"qualite@caf-demo.example"}]', 'oc_demo', 'MARCHE-DEMO-002', 'caisse de demonstration de corse-du-sud (fictive) demo-caf-2a'),
  ('DEMO-LYCEE-974', 'Lycée de démonstration de La Réunion (fictif)', 'Démo', 'EPLE', 'eple', NULL, '97400', 'Saint-Démo', '974', 'La Réunion', NULL, '[{"email":"direction@lycee-demo.example","role":"Proviseure"}]', NULL, NULL, 'lycee de demonstration de la reunion (fictif) demo-lycee-974');

INSERT OR IGNORE INTO assignments (id, structure_code, certifier_id, contract_ref, actor)
VALUES
  ('asg_demo_1', 'DEMO-PREF-01', 'oc_demo', 'MARCHE-DEMO-001', 'system:demo'),
  ('asg_demo_2', 'DEMO-CAF-2A', 'oc_demo', 'MARCHE-DEMO-002', 'system:demo');
