from tests.integration.conftest import databases, postgres_admin, rabbitmq_base, vhost_url  # noqa: F401 - real-broker fixtures
