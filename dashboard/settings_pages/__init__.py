"""A workspace's settings, inside the product (`/w/<slug>/settings/...`).

Each tenant's admins run their own workspace here; `/admin/` is for platform staff only.
`team_urls` holds the people side (members, API keys, the audit log), `config_urls` the
configuration side (webhooks, connector, risk, red flags, autonomy, campaigns).
"""
