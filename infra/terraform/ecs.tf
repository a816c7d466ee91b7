# ECS Fargate service running `python -m bot run` in webhook mode, 2-10 tasks
# scaled on 70 % CPU, deployed blue-green by CodeDeploy (two target groups in alb.tf).

resource "aws_ecr_repository" "app" {
  name                 = var.project
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

resource "aws_ecs_cluster" "main" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

locals {
  app_environment = [
    { name = "BOT_MODE", value = "webhook" },
    { name = "WEBHOOK_BASE_URL", value = "https://${var.bot_domain}" },
    { name = "WEBHOOK_PATH", value = var.webhook_path },
    # The Mini App, served by the app under /app/ behind CloudFront (cdn.tf).
    { name = "WEBAPP_URL", value = "https://${var.bot_domain}/app/" },
    { name = "HTTP_HOST", value = "0.0.0.0" },
    { name = "HTTP_PORT", value = "8000" },
    { name = "S3_BUCKET", value = aws_s3_bucket.files.id },
    { name = "S3_BACKUP_BUCKET", value = aws_s3_bucket.backups.id },
    { name = "S3_REGION", value = var.aws_region },
    { name = "S3_PREFIX", value = "theses/" },
    { name = "MAX_FILE_MB", value = tostring(var.max_file_mb) },
    { name = "TIMEZONE", value = var.timezone },
    { name = "LOG_LEVEL", value = var.log_level },
    { name = "LOG_FORMAT", value = "json" },
    { name = "SHUTDOWN_TIMEOUT_SECONDS", value = tostring(var.shutdown_timeout_seconds) },
  ]
  telegram_api_environment = var.telegram_api_url == "" ? [] : [
    { name = "TELEGRAM_API_URL", value = var.telegram_api_url },
    { name = "TELEGRAM_API_LOCAL", value = "true" },
  ]
  app_secrets = [
    { name = "TELEGRAM_BOT_TOKEN", valueFrom = aws_secretsmanager_secret.telegram_bot_token.arn },
    { name = "WEBHOOK_SECRET", valueFrom = aws_secretsmanager_secret.webhook_secret.arn },
    { name = "JWT_SECRET_KEY", valueFrom = aws_secretsmanager_secret.jwt_secret_key.arn },
    { name = "DATABASE_URL", valueFrom = aws_secretsmanager_secret.database_url.arn },
    { name = "REDIS_URL", valueFrom = aws_secretsmanager_secret.redis_url.arn },
    { name = "ADMIN_IDS", valueFrom = aws_secretsmanager_secret.admin_ids.arn },
  ]
}

resource "aws_ecs_task_definition" "app" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.app_cpu
  memory                   = var.app_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name         = "app"
      image        = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
      essential    = true
      command      = ["python", "-m", "bot", "run"]
      portMappings = [{ name = "http", containerPort = 8000, protocol = "tcp", appProtocol = "http" }]
      environment  = concat(local.app_environment, local.telegram_api_environment)
      secrets      = local.app_secrets
      healthCheck = {
        command     = ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = 60
      }
      # SIGTERM, then up to SHUTDOWN_TIMEOUT_SECONDS of draining, then SIGKILL at 60 s.
      stopTimeout = 60
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.app.name
          awslogs-region        = var.aws_region
          awslogs-stream-prefix = "app"
          mode                  = "non-blocking"
          max-buffer-size       = "4m"
        }
      }
    },
    {
      # Scrapes localhost:8000/metrics and ships the selected series to CloudWatch
      # as embedded metric format (namespace ThesisSupervisor), see monitoring.tf.
      name              = "cloudwatch-agent"
      image             = var.cwagent_image
      essential         = false
      cpu               = 64
      memoryReservation = 128
      secrets = [
        { name = "CW_CONFIG_CONTENT", valueFrom = aws_ssm_parameter.cwagent_config.arn },
        { name = "PROMETHEUS_CONFIG_CONTENT", valueFrom = aws_ssm_parameter.prometheus_scrape_config.arn },
      ]
      dependsOn = [{ containerName = "app", condition = "START" }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.app.name
          awslogs-region        = var.aws_region
          awslogs-stream-prefix = "cwagent"
        }
      }
    },
  ])
}

resource "aws_ecs_service" "app" {
  name                              = local.name
  cluster                           = aws_ecs_cluster.main.id
  task_definition                   = aws_ecs_task_definition.app.arn
  desired_count                     = var.min_capacity
  launch_type                       = "FARGATE"
  health_check_grace_period_seconds = 90
  enable_execute_command            = true
  propagate_tags                    = "SERVICE"

  deployment_controller {
    type = "CODE_DEPLOY"
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app["blue"].arn
    container_name   = "app"
    container_port   = 8000
  }

  # Deployments (new task definitions, target group swaps) and scaling happen
  # outside Terraform: blue-green-deploy.sh / CodeDeploy and Application Auto Scaling.
  lifecycle {
    ignore_changes = [task_definition, load_balancer, desired_count]
  }

  depends_on = [aws_lb_listener.https]
}

# ---------------------------------------------------------------- autoscaling 2..10 on CPU 70 %
resource "aws_appautoscaling_target" "app" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.app.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${local.name}-cpu${var.cpu_target_percent}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.app.service_namespace
  resource_id        = aws_appautoscaling_target.app.resource_id
  scalable_dimension = aws_appautoscaling_target.app.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# ---------------------------------------------------------------- blue-green via CodeDeploy
resource "aws_codedeploy_app" "app" {
  name             = local.name
  compute_platform = "ECS"
}

resource "aws_codedeploy_deployment_group" "app" {
  app_name               = aws_codedeploy_app.app.name
  deployment_group_name  = local.name
  deployment_config_name = "CodeDeployDefault.ECSAllAtOnce"
  service_role_arn       = aws_iam_role.codedeploy.arn

  deployment_style {
    deployment_option = "WITH_TRAFFIC_CONTROL"
    deployment_type   = "BLUE_GREEN"
  }

  blue_green_deployment_config {
    # Traffic moves only when blue-green-deploy.sh has checked the green tasks
    # and calls continue-deployment (or after 60 min the deployment stops).
    deployment_ready_option {
      action_on_timeout    = "STOP_DEPLOYMENT"
      wait_time_in_minutes = 60
    }

    # The old (blue) tasks stay 15 minutes for an instant roll back.
    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = 15
    }
  }

  ecs_service {
    cluster_name = aws_ecs_cluster.main.name
    service_name = aws_ecs_service.app.name
  }

  load_balancer_info {
    target_group_pair_info {
      prod_traffic_route {
        listener_arns = [aws_lb_listener.https.arn]
      }
      target_group {
        name = aws_lb_target_group.app["blue"].name
      }
      target_group {
        name = aws_lb_target_group.app["green"].name
      }
    }
  }

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  }

  alarm_configuration {
    enabled = true
    alarms = [
      aws_cloudwatch_metric_alarm.alb_5xx_rate.alarm_name,
      aws_cloudwatch_metric_alarm.target_latency_p95.alarm_name,
    ]
  }
}

# ---------------------------------------------------------------- IAM
data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${local.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution_managed" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution_secrets" {
  statement {
    sid     = "ReadAppSecrets"
    actions = ["secretsmanager:GetSecretValue"]
    resources = [
      aws_secretsmanager_secret.telegram_bot_token.arn,
      aws_secretsmanager_secret.webhook_secret.arn,
      aws_secretsmanager_secret.jwt_secret_key.arn,
      aws_secretsmanager_secret.database_url.arn,
      aws_secretsmanager_secret.redis_url.arn,
      aws_secretsmanager_secret.admin_ids.arn,
    ]
  }

  statement {
    sid       = "ReadAgentConfig"
    actions   = ["ssm:GetParameters"]
    resources = [aws_ssm_parameter.cwagent_config.arn, aws_ssm_parameter.prometheus_scrape_config.arn]
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  name   = "secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution_secrets.json
}

resource "aws_iam_role" "task" {
  name               = "${local.name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "task" {
  statement {
    sid       = "Buckets"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketVersions"]
    resources = [aws_s3_bucket.files.arn, aws_s3_bucket.backups.arn]
  }

  statement {
    sid = "FileObjects"
    actions = [
      "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject",
      "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
    ]
    resources = ["${aws_s3_bucket.files.arn}/*"]
  }

  # Backups: add and read, never delete or replace (the bucket policy in s3.tf also denies
  # it, and demands If-None-Match on every write). A failed backup's partial objects stay
  # behind, listed as incomplete, until the lifecycle expires them.
  statement {
    sid = "BackupObjects"
    actions = [
      "s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
    ]
    resources = ["${aws_s3_bucket.backups.arn}/*"]
  }

  # Both buckets encrypt with this key by default: writing needs a data key, reading decrypts.
  statement {
    sid       = "BucketKey"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.s3.arn]
  }

  statement {
    sid = "ExecuteCommand"
    actions = [
      "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "app"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

# The CloudWatch agent sidecar runs with the task role.
resource "aws_iam_role_policy_attachment" "task_cwagent" {
  role       = aws_iam_role.task.name
  policy_arn = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
}

data "aws_iam_policy_document" "codedeploy_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["codedeploy.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "codedeploy" {
  name               = "${local.name}-codedeploy"
  assume_role_policy = data.aws_iam_policy_document.codedeploy_assume.json
}

resource "aws_iam_role_policy_attachment" "codedeploy" {
  role       = aws_iam_role.codedeploy.name
  policy_arn = "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"
}
