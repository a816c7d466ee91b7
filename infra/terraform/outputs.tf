output "alb_dns_name" {
  description = "Point bot_domain here (done automatically when route53_zone_id is set)."
  value       = aws_lb.main.dns_name
}

output "webhook_url" {
  description = "WEBHOOK_BASE_URL + WEBHOOK_PATH; the bot registers it with Telegram at start-up."
  value       = "https://${var.bot_domain}${var.webhook_path}"
}

output "ecr_repository_url" {
  value = aws_ecr_repository.app.repository_url
}

output "ecs_cluster_name" {
  value = aws_ecs_cluster.main.name
}

output "ecs_service_name" {
  value = aws_ecs_service.app.name
}

output "task_definition_family" {
  value = aws_ecs_task_definition.app.family
}

output "codedeploy_app" {
  value = aws_codedeploy_app.app.name
}

output "codedeploy_deployment_group" {
  value = aws_codedeploy_deployment_group.app.deployment_group_name
}

output "target_group_arns" {
  value = { for color, tg in aws_lb_target_group.app : color => tg.arn }
}

output "private_subnet_ids" {
  value = aws_subnet.private[*].id
}

output "app_security_group_id" {
  value = aws_security_group.app.id
}

output "db_endpoint" {
  value = aws_db_instance.main.address
}

output "db_instance_id" {
  value = aws_db_instance.main.identifier
}

output "redis_primary_endpoint" {
  value = aws_elasticache_replication_group.main.primary_endpoint_address
}

output "files_bucket" {
  value = aws_s3_bucket.files.id
}

output "backups_bucket" {
  value = aws_s3_bucket.backups.id
}

output "secret_arns" {
  value = {
    telegram_bot_token = aws_secretsmanager_secret.telegram_bot_token.arn
    webhook_secret     = aws_secretsmanager_secret.webhook_secret.arn
    jwt_secret_key     = aws_secretsmanager_secret.jwt_secret_key.arn
    database_url       = aws_secretsmanager_secret.database_url.arn
    redis_url          = aws_secretsmanager_secret.redis_url.arn
    admin_ids          = aws_secretsmanager_secret.admin_ids.arn
  }
}

output "alarm_topic_arn" {
  description = "Subscribe the on-call pager here."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_name" {
  value = aws_cloudwatch_dashboard.main.dashboard_name
}
