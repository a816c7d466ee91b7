environment     = "production"
aws_region      = "eu-central-1"
bot_domain      = "bot.example.edu"
certificate_arn = "arn:aws:acm:eu-central-1:000000000000:certificate/REPLACE-ME"
route53_zone_id = "REPLACE-ME"

single_nat_gateway = false
min_capacity       = 2
max_capacity       = 10
cpu_target_percent = 70

db_instance_class        = "db.m7g.large"
db_allocated_storage     = 100
db_max_allocated_storage = 500
db_backup_retention_days = 14
deletion_protection      = true

redis_node_type          = "cache.m7g.large"
redis_num_cache_clusters = 3

backup_retention_days = 365
log_retention_days    = 90
log_level             = "INFO"

alarm_email              = ""
outbox_backlog_threshold = 500
