#!/usr/bin/env bash
# Regional failover: make the DR region serve the bot.
#   1. promote the cross-region RDS read replica in the DR region to a standalone primary;
#   2. switch the Route53 record of the bot domain to the DR region's ALB;
#   3. scale the ECS service in the DR region up.
# The bot re-registers its webhook (same URL and secret) when the DR tasks start.
# Redis in the DR region starts empty: users lose unfinished dialog state only.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: failover.sh [--dry-run] [--yes] ENVIRONMENT DR_REGION HOSTED_ZONE_ID DOMAIN

  ENVIRONMENT     staging | production
  DR_REGION       region to fail over to, e.g. eu-west-1
  HOSTED_ZONE_ID  Route53 zone holding DOMAIN
  DOMAIN          bot host name, e.g. bot.example.edu (WEBHOOK_BASE_URL host)
  --dry-run       print what would be done, change nothing
  --yes           do not ask for confirmation

Environment: PROJECT (default thesis-supervisor), DESIRED_COUNT (default 2).
The DR stack (same Terraform, db_replicate_source_arn set, min_capacity 0) must exist.
Failing back is a planned operation: see docs/operations.md.
USAGE
}

dry_run=no
assume_yes=no
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --dry-run) dry_run=yes ;;
        --yes) assume_yes=yes ;;
        -*) usage >&2; exit 2 ;;
        *) args+=("$1") ;;
    esac
    shift
done
if [[ ${#args[@]} -ne 4 ]]; then
    usage >&2
    exit 2
fi
env_name="${args[0]}"
dr_region="${args[1]}"
zone_id="${args[2]}"
domain="${args[3]}"
project="${PROJECT:-thesis-supervisor}"
desired="${DESIRED_COUNT:-2}"
name="$project-$env_name"

for tool in aws jq; do
    command -v "$tool" >/dev/null || { echo "failover: $tool is required" >&2; exit 2; }
done

run() {
    echo "+ $*"
    if [[ "$dry_run" == "no" ]]; then
        "$@"
    fi
}

echo "failover: $name -> $dr_region (DNS $domain in zone $zone_id)"
if [[ "$assume_yes" == "no" && "$dry_run" == "no" ]]; then
    read -r -p "This promotes the DR database; the old primary can no longer replicate to it. Type the environment name to continue: " answer
    [[ "$answer" == "$env_name" ]] || { echo "failover: aborted" >&2; exit 1; }
fi

# 1. Database
replica_status="$(aws rds describe-db-instances --region "$dr_region" --db-instance-identifier "$name" \
    --query 'DBInstances[0].ReadReplicaSourceDBInstanceIdentifier' --output text)"
if [[ "$replica_status" != "None" && -n "$replica_status" ]]; then
    run aws rds promote-read-replica --region "$dr_region" --db-instance-identifier "$name" \
        --backup-retention-period 14
    if [[ "$dry_run" == "no" ]]; then
        echo "failover: waiting for the promoted database"
        aws rds wait db-instance-available --region "$dr_region" --db-instance-identifier "$name"
    fi
else
    echo "failover: $name in $dr_region is already a primary"
fi
# Multi-AZ for the new primary (the replica may have been single-AZ).
run aws rds modify-db-instance --region "$dr_region" --db-instance-identifier "$name" \
    --multi-az --apply-immediately >/dev/null

# 2. DNS
alb_dns="$(aws elbv2 describe-load-balancers --region "$dr_region" --names "$name" \
    --query 'LoadBalancers[0].DNSName' --output text)"
alb_zone="$(aws elbv2 describe-load-balancers --region "$dr_region" --names "$name" \
    --query 'LoadBalancers[0].CanonicalHostedZoneId' --output text)"
change_batch="$(jq -n --arg name "$domain" --arg dns "$alb_dns" --arg zone "$alb_zone" '{
    Comment: "thesis-supervisor regional failover",
    Changes: [{Action: "UPSERT", ResourceRecordSet: {Name: $name, Type: "A",
        AliasTarget: {DNSName: $dns, HostedZoneId: $zone, EvaluateTargetHealth: true}}}]}')"
run aws route53 change-resource-record-sets --hosted-zone-id "$zone_id" --change-batch "$change_batch"

# 3. Compute
run aws application-autoscaling register-scalable-target --region "$dr_region" \
    --service-namespace ecs --scalable-dimension ecs:service:DesiredCount \
    --resource-id "service/$name/$name" --min-capacity "$desired" --max-capacity 10
run aws ecs update-service --region "$dr_region" --cluster "$name" --service "$name" \
    --desired-count "$desired" >/dev/null
if [[ "$dry_run" == "no" ]]; then
    echo "failover: waiting for the DR service to become stable"
    aws ecs wait services-stable --region "$dr_region" --cluster "$name" --services "$name"
fi

echo "failover: done. Check https://$domain/health, getWebhookInfo, and the DR dashboard."
echo "failover: stop the old region's service if it still runs: aws ecs update-service --cluster $name --service $name --desired-count 0"
