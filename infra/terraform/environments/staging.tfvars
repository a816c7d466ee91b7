environment     = "staging"
aws_region      = "eu-central-1"
bot_domain      = "bot-staging.example.edu"
certificate_arn = "arn:aws:acm:eu-central-1:000000000000:certificate/REPLACE-ME"
route53_zone_id = ""

single_nat_gateway = true
min_capacity       = 2
max_capacity       = 4

db_instance_class        = "db.t4g.small"
db_allocated_storage     = 20
db_max_allocated_storage = 50
db_backup_retention_days = 3
deletion_protection      = false

redis_node_type          = "cache.t4g.micro"
redis_num_cache_clusters = 2

backup_retention_days = 30
log_retention_days    = 14
log_level             = "DEBUG"

outbox_backlog_threshold = 200
