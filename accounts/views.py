"""Sign-in pages: the login page, the OpenID Connect round trip, and sign-out (here and at the provider)."""

from __future__ import annotations

import logging
import re
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import provider
from accounts.backends import TokenRefused
from accounts.services import SignInRefused
from config.forms import LoginForm

logger = logging.getLogger(__name__)

# Answers of a silent re-check (prompt=none) meaning "the session at the provider is over".
SESSION_OVER = {"login_required", "interaction_required", "consent_required"}
ERROR_CODE = re.compile(r"[a-z_]{1,40}")


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "oidc_enabled": provider.enabled(),
            "oidc_provider_name": provider.display_name(),
            "local_login": settings.LOCAL_LOGIN,
        }


def sign_in_refused(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    """The app's own page for a refused sign-in; a signed-in session is ended.

    An anonymous session is kept: it may hold a scorecard posted after the last sign-in ran out.
    """
    if request.user.is_authenticated:
        auth.logout(request)
    return render(
        request,
        "accounts/sign_in_failed.html",
        {"message": message, "oidc_provider_name": provider.display_name()},
        status=status,
    )


class OIDCAuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with state, nonce and a PKCE challenge (S256)."""

    def __init__(self, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return provider.setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponseBase:
        if not provider.enabled():
            raise Http404("single sign-on is off")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider.setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except provider.ProviderUnavailable as error:
            logger.error("OIDC sign-in: %s", error)
            return sign_in_refused(
                request, f"{provider.display_name()} cannot be reached right now. Try again later.", status=503
            )
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; every refusal gets a page that says why."""

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return provider.setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponseBase:
        if not provider.enabled():
            raise Http404("single sign-on is off")
        state = request.GET.get("state")
        if "code" in request.GET and state not in request.session.get("oidc_states", {}):
            logger.warning("OIDC sign-in refused: unknown state")
            return sign_in_refused(
                request,
                "This sign-in was not started in this browser, or has already been used. Start again.",
            )
        try:
            return super().get(request)
        except SignInRefused as refusal:
            return sign_in_refused(request, str(refusal), status=403)
        except IntegrityError:
            # Two first sign-ins of one person at once (two tabs): the other one created the account.
            return sign_in_refused(request, "This sign-in crossed another one in progress. Start again.", status=409)
        except TokenRefused as refusal:
            logger.warning("OIDC sign-in refused: %s", refusal)
            return sign_in_refused(request, f"The sign-in was refused: {refusal}.")
        except requests.HTTPError as error:
            logger.warning("OIDC sign-in refused by the provider: %s", error)
            return sign_in_refused(
                request,
                f"{provider.display_name()} would not complete this sign-in (its code may have been used already). "
                "Start again.",
            )
        except (requests.RequestException, provider.ProviderUnavailable) as error:
            logger.error("OIDC sign-in: %s", error)
            return sign_in_refused(
                request, f"{provider.display_name()} cannot be reached right now. Try again later.", status=503
            )
        except (SuspiciousOperation, jwt.PyJWTError) as error:
            logger.warning("OIDC sign-in refused: %s", error)
            return sign_in_refused(request, "The identity provider's answer could not be verified. Start again.")

    def login_failure(self) -> HttpResponse:
        error = self.request.GET.get("error", "")
        if error in SESSION_OVER:
            auth.logout(self.request)
            messages.info(self.request, f"Your session at {provider.display_name()} has ended. Sign in again.")
            return redirect("login")
        if ERROR_CODE.fullmatch(error):  # a provider's error code; anything else in the link is not shown
            return sign_in_refused(self.request, f"{provider.display_name()} did not sign you in ({error}).")
        return sign_in_refused(self.request, "The sign-in did not complete. Start again.")

    def login_success(self) -> HttpResponse:
        """Signs in, and has the session re-checked with the provider no later than the ID token's expiry."""
        response = super().login_success()
        session = self.request.session
        claims = jwt.decode(session.get("oidc_id_token", ""), options={"verify_signature": False})
        renew_at = time.time() + settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS
        session["oidc_id_token_expiration"] = min(float(claims["exp"]), renew_at)
        return response


def provider_logout_url(request: HttpRequest) -> str | None:
    """RP-initiated logout at the provider, for a session signed in there, when the provider offers it."""
    id_token = request.session.get("oidc_id_token")
    if not id_token or not provider.enabled():
        return None
    endpoint = provider.end_session_endpoint()
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


class LogoutView(auth_views.LogoutView):
    """Ends the session here, then (for a single sign-on session) at the provider too."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        at_provider = provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response
