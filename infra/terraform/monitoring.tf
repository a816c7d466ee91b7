# Logs, the application's Prometheus metrics in CloudWatch, a dashboard and alarms.
#
# How outbox_pending (and the other app metrics) reach CloudWatch: the task runs a
# cloudwatch-agent sidecar (ecs.tf). It scrapes http://localhost:8000/metrics every
# 30 s (same network namespace under awsvpc) using the Prometheus config below and
# writes the selected series as embedded metric format (EMF) log events into
# /ecs/<name>/prometheus; CloudWatch turns them into metrics in the namespace
# "ThesisSupervisor" with the dimension Environment. Counters arrive as per-scrape
# deltas, gauges as values.

locals {
  metric_namespace = "ThesisSupervisor"
  alarm_actions    = [aws_sns_topic.alarms.arn]
  alb_dim          = { LoadBalancer = aws_lb.main.arn_suffix }
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${local.name}"
  retention_in_days = var.log_retention_days
}

resource "aws_cloudwatch_log_group" "prometheus" {
  name              = "/ecs/${local.name}/prometheus"
  retention_in_days = 7
}

resource "aws_ssm_parameter" "prometheus_scrape_config" {
  name = "/${var.project}/${var.environment}/prometheus-scrape-config"
  type = "String"
  value = yamlencode({
    global = { scrape_interval = "30s", scrape_timeout = "10s" }
    scrape_configs = [{
      job_name       = "thesis-supervisor"
      metrics_path   = "/metrics"
      static_configs = [{ targets = ["localhost:8000"], labels = { Environment = var.environment } }]
    }]
  })
}

resource "aws_ssm_parameter" "cwagent_config" {
  name = "/${var.project}/${var.environment}/cwagent-config"
  type = "String"
  value = jsonencode({
    logs = {
      force_flush_interval = 5
      metrics_collected = {
        prometheus = {
          log_group_name         = aws_cloudwatch_log_group.prometheus.name
          prometheus_config_path = "env:PROMETHEUS_CONFIG_CONTENT"
          emf_processor = {
            metric_namespace = local.metric_namespace
            metric_declaration = [{
              source_labels = ["job"]
              label_matcher = "^thesis-supervisor$"
              dimensions    = [["Environment"]]
              metric_selectors = [
                "^outbox_pending$",
                "^outbox_sent_total$",
                "^outbox_retried_total$",
                "^outbox_failed_total$",
                "^application_errors_total$",
                "^telegram_updates_total$",
                "^thesis_submissions_total$",
                "^review_completions_total$",
                "^user_registrations_total$",
                "^api_auth_failures_total$",
              ]
            }]
          }
        }
      }
    }
  })
}

resource "aws_sns_topic" "alarms" {
  name = "${local.name}-alarms"
}

resource "aws_sns_topic_subscription" "email" {
  count     = var.alarm_email == "" ? 0 : 1
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# ---------------------------------------------------------------- alarms
resource "aws_cloudwatch_metric_alarm" "alb_5xx_rate" {
  alarm_name          = "${local.name}-alb-5xx-rate"
  alarm_description   = "More than ${var.alb_5xx_rate_threshold_percent}% of requests answered 5xx (ALB or targets) in 3 of 5 minutes. Runbook: docs/operations.md#alb-5xx-rate"
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alb_5xx_rate_threshold_percent
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * (target5xx + elb5xx) / requests, 0)"
    label       = "5xx %"
    return_data = true
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = local.alb_dim
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id = "target5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = local.alb_dim
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id = "elb5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      dimensions  = local.alb_dim
      period      = 60
      stat        = "Sum"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "target_latency_p95" {
  alarm_name          = "${local.name}-target-latency-p95"
  alarm_description   = "p95 target response time above ${var.latency_p95_threshold_seconds}s for 5 minutes. Runbook: docs/operations.md#target-latency-p95"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = local.alb_dim
  extended_statistic  = "p95"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.latency_p95_threshold_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "no_healthy_targets" {
  for_each            = aws_lb_target_group.app
  alarm_name          = "${local.name}-${each.key}-healthy-hosts"
  alarm_description   = "Fewer than 1 ready task behind the ${each.key} target group (only alarms for the live color). Runbook: docs/operations.md#healthy-hosts"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HealthyHostCount"
  dimensions          = { LoadBalancer = aws_lb.main.arn_suffix, TargetGroup = each.value.arn_suffix }
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "ecs_cpu" {
  alarm_name          = "${local.name}-ecs-cpu"
  alarm_description   = "Service CPU above 85% for 10 minutes although autoscaling targets 70% (at max capacity or stuck). Runbook: docs/operations.md#ecs-cpu"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  dimensions          = { ClusterName = aws_ecs_cluster.main.name, ServiceName = aws_ecs_service.app.name }
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 10
  comparison_operator = "GreaterThanThreshold"
  threshold           = 85
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "ecs_memory" {
  alarm_name          = "${local.name}-ecs-memory"
  alarm_description   = "Service memory above 85% for 10 minutes. Runbook: docs/operations.md#ecs-memory"
  namespace           = "AWS/ECS"
  metric_name         = "MemoryUtilization"
  dimensions          = { ClusterName = aws_ecs_cluster.main.name, ServiceName = aws_ecs_service.app.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 10
  comparison_operator = "GreaterThanThreshold"
  threshold           = 85
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "outbox_backlog" {
  alarm_name          = "${local.name}-outbox-backlog"
  alarm_description   = "outbox_pending above ${var.outbox_backlog_threshold} for 15 minutes: notifications are not leaving. Runbook: docs/operations.md#outbox-backlog"
  namespace           = local.metric_namespace
  metric_name         = "outbox_pending"
  dimensions          = { Environment = var.environment }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.outbox_backlog_threshold
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# Many refused Mini App logins or tokens (all reasons together): someone is trying forged
# init data or tokens, or JWT_SECRET_KEY changed under live tokens.
resource "aws_cloudwatch_metric_alarm" "api_auth_failures" {
  alarm_name          = "${local.name}-api-auth-failures"
  alarm_description   = "More than 200 Mini App API refusals (api_auth_failures_total) in 5 minutes, 2 periods running. Runbook: docs/operations.md#mini-app"
  namespace           = local.metric_namespace
  metric_name         = "api_auth_failures_total"
  dimensions          = { Environment = var.environment }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = 200
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "outbox_failed" {
  alarm_name          = "${local.name}-outbox-failed"
  alarm_description   = "Notifications given up after all retries (outbox_failed_total grew). Runbook: docs/operations.md#outbox-failed"
  namespace           = local.metric_namespace
  metric_name         = "outbox_failed_total"
  dimensions          = { Environment = var.environment }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 10
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "app_metrics_missing" {
  alarm_name          = "${local.name}-app-metrics-missing"
  alarm_description   = "No outbox_pending data for 15 minutes: the CloudWatch agent sidecar or /metrics is broken, so the outbox alarm is blind. Runbook: docs/operations.md#app-metrics-missing"
  namespace           = local.metric_namespace
  metric_name         = "outbox_pending"
  dimensions          = { Environment = var.environment }
  statistic           = "SampleCount"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "rds_cpu" {
  alarm_name          = "${local.name}-rds-cpu"
  alarm_description   = "RDS CPU above 80% for 15 minutes. Runbook: docs/operations.md#rds"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "rds_storage" {
  alarm_name          = "${local.name}-rds-free-storage"
  alarm_description   = "RDS free storage below 5 GiB. Runbook: docs/operations.md#rds"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = 5368709120
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "redis_memory" {
  alarm_name          = "${local.name}-redis-memory"
  alarm_description   = "Redis memory above 80%. Runbook: docs/operations.md#redis"
  namespace           = "AWS/ElastiCache"
  metric_name         = "DatabaseMemoryUsagePercentage"
  dimensions          = { ReplicationGroupId = aws_elasticache_replication_group.main.id }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# ---------------------------------------------------------------- dashboard
resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = local.name
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title  = "ALB requests and 5xx"
          region = var.aws_region
          stat   = "Sum"
          period = 60
          metrics = [
            ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", aws_lb.main.arn_suffix],
            [".", "HTTPCode_Target_5XX_Count", ".", "."],
            [".", "HTTPCode_ELB_5XX_Count", ".", "."],
            [".", "HTTPCode_Target_4XX_Count", ".", "."],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title  = "Target response time p50 / p95 / p99"
          region = var.aws_region
          period = 60
          metrics = [
            ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", aws_lb.main.arn_suffix, { stat = "p50" }],
            ["...", { stat = "p95" }],
            ["...", { stat = "p99" }],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title  = "ECS CPU / memory and task count"
          region = var.aws_region
          stat   = "Average"
          period = 60
          metrics = [
            ["AWS/ECS", "CPUUtilization", "ClusterName", aws_ecs_cluster.main.name, "ServiceName", aws_ecs_service.app.name],
            [".", "MemoryUtilization", ".", ".", ".", "."],
            ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", aws_ecs_cluster.main.name, "ServiceName", aws_ecs_service.app.name, { yAxis = "right" }],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title  = "Outbox"
          region = var.aws_region
          period = 300
          metrics = [
            [local.metric_namespace, "outbox_pending", "Environment", var.environment, { stat = "Maximum" }],
            [".", "outbox_sent_total", ".", ".", { stat = "Sum", yAxis = "right" }],
            [".", "outbox_retried_total", ".", ".", { stat = "Sum", yAxis = "right" }],
            [".", "outbox_failed_total", ".", ".", { stat = "Sum", yAxis = "right" }],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title  = "Updates, errors and business events"
          region = var.aws_region
          stat   = "Sum"
          period = 300
          metrics = [
            [local.metric_namespace, "telegram_updates_total", "Environment", var.environment],
            [".", "application_errors_total", ".", "."],
            [".", "thesis_submissions_total", ".", "."],
            [".", "review_completions_total", ".", "."],
            [".", "user_registrations_total", ".", "."],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 12, width = 12, height = 6
        properties = {
          title  = "RDS and Redis"
          region = var.aws_region
          stat   = "Average"
          period = 300
          metrics = [
            ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", aws_db_instance.main.identifier],
            [".", "DatabaseConnections", ".", ".", { yAxis = "right" }],
            ["AWS/ElastiCache", "EngineCPUUtilization", "ReplicationGroupId", aws_elasticache_replication_group.main.id],
            [".", "DatabaseMemoryUsagePercentage", ".", "."],
          ]
        }
      },
    ]
  })
}
