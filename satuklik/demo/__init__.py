"""The demo data set: personas, employers, members, policies, DPLK, partner providers,
demo accounts and staff, built by ``manage.py seed_demo`` (demo mode only).

Beside the runtime apps, never inside them: this package imports the apps (their models,
importers and services), no app imports it. The insurer's tables are written the one way
the insurer's data is written: as CSV files through the core-data import
(satuklik.policies.importing).

- policies.py: the personas (PERSONAS) and the insurer's data, as import files;
- providers.py: the partner directory;
- accounts.py: the pre-registered personas' accounts and the back-office staff.
"""
