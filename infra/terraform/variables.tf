variable "project" {
  description = "Name prefix for every resource."
  type        = string
  default     = "thesis-supervisor"
}

variable "environment" {
  description = "staging or production."
  type        = string
  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment must be staging or production."
  }
}

variable "aws_region" {
  type    = string
  default = "eu-central-1"
}

# ---------------------------------------------------------------- network
variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "az_count" {
  description = "Availability zones used (public, private and database subnet in each)."
  type        = number
  default     = 3
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all AZs (cheaper, staging) instead of one per AZ."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------- edge
variable "bot_domain" {
  description = "Public host name of the webhook, e.g. bot.example.edu (WEBHOOK_BASE_URL = https://<bot_domain>)."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for bot_domain, in aws_region."
  type        = string
}

variable "route53_zone_id" {
  description = "Hosted zone for bot_domain; empty to manage DNS elsewhere."
  type        = string
  default     = ""
}

variable "webhook_path" {
  description = "Must equal WEBHOOK_PATH of the bot."
  type        = string
  default     = "/telegram/webhook"
}

# ---------------------------------------------------------------- application
variable "image_tag" {
  description = "Tag of the image in the ECR repository to run (CI deploys newer ones with blue-green-deploy.sh)."
  type        = string
  default     = "latest"
}

variable "app_cpu" {
  type    = number
  default = 1024
}

variable "app_memory" {
  type    = number
  default = 2048
}

variable "min_capacity" {
  type    = number
  default = 2
}

variable "max_capacity" {
  type    = number
  default = 10
}

variable "cpu_target_percent" {
  type    = number
  default = 70
}

variable "shutdown_timeout_seconds" {
  description = "SHUTDOWN_TIMEOUT_SECONDS of the bot; ECS stopTimeout is set well above it."
  type        = number
  default     = 25
}

variable "max_file_mb" {
  description = "MAX_FILE_MB; above 20 needs a self-hosted Bot API server (telegram_api_url)."
  type        = number
  default     = 20
}

variable "telegram_api_url" {
  description = "TELEGRAM_API_URL; empty for the official cloud Bot API."
  type        = string
  default     = ""
}

variable "log_level" {
  type    = string
  default = "INFO"
}

variable "timezone" {
  type    = string
  default = "UTC"
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "cwagent_image" {
  description = "CloudWatch agent sidecar that forwards Prometheus metrics (outbox_pending, ...) as EMF. Pin a version per environment."
  type        = string
  default     = "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest"
}

# ---------------------------------------------------------------- database
variable "db_instance_class" {
  type    = string
  default = "db.t4g.medium"
}

variable "db_allocated_storage" {
  type    = number
  default = 50
}

variable "db_max_allocated_storage" {
  type    = number
  default = 200
}

variable "db_backup_retention_days" {
  type    = number
  default = 14
  validation {
    condition     = var.db_backup_retention_days >= 1
    error_message = "Automated backups must stay on (>= 1 day)."
  }
}

variable "deletion_protection" {
  description = "RDS deletion protection and final snapshot; true in production."
  type        = bool
  default     = true
}

variable "db_replicate_source_arn" {
  description = "DR stack only: ARN of the primary DB in the main region; this stack's DB then is a cross-region read replica (promoted by failover.sh)."
  type        = string
  default     = ""
}

# ---------------------------------------------------------------- redis
variable "redis_node_type" {
  type    = string
  default = "cache.t4g.small"
}

variable "redis_num_cache_clusters" {
  description = "Primary + replicas; >= 2 enables automatic failover across AZs."
  type        = number
  default     = 2
}

# ---------------------------------------------------------------- storage
variable "backup_retention_days" {
  description = "Days the backups bucket keeps `python -m bot backup` archives."
  type        = number
  default     = 90
}

variable "backup_lock_days" {
  description = "Days Object Lock (governance) protects every backup object version from deletion."
  type        = number
  default     = 30
  validation {
    condition     = var.backup_lock_days >= 1
    error_message = "Backups must be locked for at least a day."
  }
}

# ---------------------------------------------------------------- alerting
variable "alarm_email" {
  description = "Address subscribed to the alarm topic; empty for none (subscribe a pager instead)."
  type        = string
  default     = ""
}

variable "alb_5xx_rate_threshold_percent" {
  type    = number
  default = 5
}

variable "latency_p95_threshold_seconds" {
  type    = number
  default = 2
}

variable "outbox_backlog_threshold" {
  description = "Alarm when outbox_pending stays above this for 15 minutes."
  type        = number
  default     = 500
}
