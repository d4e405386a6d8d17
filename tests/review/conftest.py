import pytest

from tests.helpers import line_of, submit


@pytest.fixture
def submitted(units, officers):
    """Three submitted score lines of unit A and one of unit B."""
    a, b = units
    lines = [submit(line_of(a, code), officers[0]) for code in ("1.1", "1.2", "2.1")]
    lines.append(submit(line_of(b, "1.1"), officers[1], score="6"))
    return lines
