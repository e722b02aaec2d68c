"""Single sign-on with each institute's OpenID Connect provider (docs/sso.md)."""
