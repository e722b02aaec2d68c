"""allauth's MFA sign-in step, skipped when the identity provider already did MFA."""

from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage

from .mfa import sociallogin_asserts_mfa


class AuthenticateStage(AllauthAuthenticateStage):
    def handle(self) -> tuple:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin_asserts_mfa(sociallogin):
            return None, True
        return super().handle()
