import pytest

from portal.models import Role


@pytest.fixture
def officer(login_as, units):
    return login_as(Role.UNIT_OFFICER, unit=units[0])
