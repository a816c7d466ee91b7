# Secrets Manager entries injected into the task as environment variables.
# Generated here: WEBHOOK_SECRET, DATABASE_URL, REDIS_URL (their values live in
# the encrypted Terraform state). Set by hand, never committed:
#   aws secretsmanager put-secret-value --secret-id thesis-supervisor/<env>/telegram-bot-token --secret-string '<token>'
#   aws secretsmanager put-secret-value --secret-id thesis-supervisor/<env>/admin-ids --secret-string '111,222'

locals {
  secret_prefix = "${var.project}/${var.environment}"
}

resource "aws_secretsmanager_secret" "telegram_bot_token" {
  name                    = "${local.secret_prefix}/telegram-bot-token"
  description             = "TELEGRAM_BOT_TOKEN from @BotFather (set out of band)"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret" "admin_ids" {
  name                    = "${local.secret_prefix}/admin-ids"
  description             = "ADMIN_IDS, comma-separated Telegram user ids (set out of band)"
  recovery_window_in_days = 7
}

# Telegram allows 1-256 characters A-Z a-z 0-9 _ - in secret_token.
resource "random_password" "webhook_secret" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "webhook_secret" {
  name                    = "${local.secret_prefix}/webhook-secret"
  description             = "WEBHOOK_SECRET: X-Telegram-Bot-Api-Secret-Token"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "webhook_secret" {
  secret_id     = aws_secretsmanager_secret.webhook_secret.id
  secret_string = random_password.webhook_secret.result
}

# JWT_SECRET_KEY signs the Mini App's bearer tokens (HS256): long and random.
resource "random_password" "jwt_secret_key" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "jwt_secret_key" {
  name                    = "${local.secret_prefix}/jwt-secret"
  description             = "JWT_SECRET_KEY: signs the Mini App API's bearer tokens"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "jwt_secret_key" {
  secret_id     = aws_secretsmanager_secret.jwt_secret_key.id
  secret_string = random_password.jwt_secret_key.result
}

resource "aws_secretsmanager_secret" "database_url" {
  name                    = "${local.secret_prefix}/database-url"
  description             = "DATABASE_URL (postgresql+asyncpg)"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "database_url" {
  secret_id     = aws_secretsmanager_secret.database_url.id
  secret_string = "postgresql+asyncpg://thesis:${random_password.db.result}@${aws_db_instance.main.address}:${aws_db_instance.main.port}/thesis?ssl=require"
}

resource "aws_secretsmanager_secret" "redis_url" {
  name                    = "${local.secret_prefix}/redis-url"
  description             = "REDIS_URL (TLS, AUTH token)"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "redis_url" {
  secret_id     = aws_secretsmanager_secret.redis_url.id
  secret_string = "rediss://:${random_password.redis.result}@${aws_elasticache_replication_group.main.primary_endpoint_address}:6379/0"
}
