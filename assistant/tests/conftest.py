import pytest

from assistant.tests.fake_provider import FakeProvider


@pytest.fixture
def fake_provider():
    with FakeProvider() as server:
        yield server


@pytest.fixture
def ai_on(settings, fake_provider):
    """Every helper on, against the fake provider; 3 calls a day each."""
    settings.AI_BASE_URL = fake_provider.base_url
    settings.AI_API_KEY = "sk-test"
    settings.AI_CHAT_MODEL = "chat-model"
    settings.AI_VISION_MODEL = "vision-model"
    settings.AI_TIMEOUT_SECONDS = 5
    settings.AI_DAILY_LIMIT = 3
    settings.AI_HELPERS = ["simplify", "ask", "question_drafts", "alt_text", "readability"]
    settings.AI_AUDIT_TEXT = False
    return fake_provider
