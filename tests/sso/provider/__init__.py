"""A small OpenID Connect provider (django-oauth-toolkit) that the SSO tests run on loopback.

It is its own Django site with its own SQLite file, started as a subprocess by
``tests/sso/conftest.py``; the portal reaches it over real HTTP. Besides the provider's
endpoints under ``/o/`` it has a plain sign-in page and a control API that the tests use
to register the portal as a client and to create people with the claims (and, for the
refusal tests, the faults) their tokens carry.
"""
