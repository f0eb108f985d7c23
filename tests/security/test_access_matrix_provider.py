"""The access matrix with single sign-on on, the personas signed in through a real provider (tests/oidc).

Their accounts, role groups and sessions are made by the provider's sign-in; staff stays a local account,
as the break-glass administrator is. Checked where sign-in makes a difference: the sign-in and sign-out routes,
and the pages whose access follows the role groups the provider's claims grant. The provider and the nine
sign-ins are built once for this module.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.oidc import ProviderAccounts, running_provider
from tests.security.scenario import PERSONAS, Scenario, shared_scenario
from tests.security.test_access_matrix import MATRIX, THROUGH_PROVIDER, check_access


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        running_provider(tmp_path_factory.mktemp("idp"), app_url="http://testserver") as provider,
        override_settings(**provider.django_settings()),
    ):
        accounts = ProviderAccounts(provider)
        with shared_scenario(django_db_blocker, make_user=accounts, sessions=accounts.sessions) as built:
            yield built


CASES = [
    pytest.param(name, method, persona, id=f"{name}-{method}-{persona}")
    for name, methods in MATRIX.items()
    if name in THROUGH_PROVIDER
    for method in methods
    for persona in PERSONAS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "persona"), CASES)
def test_access_matrix_through_the_provider(scenario: Scenario, name: str, method: str, persona: str) -> None:
    check_access(scenario, name, method, persona)
