"""Manager analytics, computed from stored conversations and operator decisions.

- funnels: journey funnels with cohort semantics, steps, conversion and breakdowns
- time_to_convert: the funnel's median time to convert and its histogram
- drilldown: the conversations behind a number of the funnel
- outcomes: how the cohort's conversations ended, per day and per breakdown group
- copilot: suggestion accept / edit / reject metrics and the CTA's
- conversion_rates: each live conversation's conversion probability, for the inbox
- abtest: conversion per campaign variant and the winner, if any
- revenue: the cohort's revenue net of refunds, per phase, persona, operator, campaign and
  variant; AI-drafted vs human-typed replies' earnings; CTA NOW followed by a payment

A plain Python package (it defines no models). It may import conversations, personas,
mlops and core, never dashboard: the pages (dashboard/analytics_views.py) import it.
"""
