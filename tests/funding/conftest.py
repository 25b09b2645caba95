import pytest

from tests.funding.factories import ProgrammeFactory, SponsorFactory


@pytest.fixture
def programme(db):
    """Open for another 30 days; 10 million yuan; awards up to 2 million; residents only."""
    return ProgrammeFactory()


@pytest.fixture
def sponsor(db):
    return SponsorFactory(name="中国民营投资（测试）", name_en="China Minying Investment (test)")
