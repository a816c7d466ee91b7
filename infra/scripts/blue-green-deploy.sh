#!/usr/bin/env bash
# Blue-green deployment of a new image to ECS through CodeDeploy.
#
# Terraform (infra/terraform/ecs.tf) creates the CodeDeploy application and
# deployment group; this script registers a task definition revision with the new
# image, starts the deployment, waits until the replacement (green) tasks are
# healthy in their target group (ALB health check on /ready), optionally runs a
# smoke test, then lets CodeDeploy switch the listener. The old (blue) tasks stay
# for 15 minutes, during which `rollback` switches back instantly.
# JMESPath literals use backticks inside single quotes on purpose.
# shellcheck disable=SC2016
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: blue-green-deploy.sh deploy   ENVIRONMENT IMAGE_TAG [--no-wait]
       blue-green-deploy.sh rollback ENVIRONMENT
       blue-green-deploy.sh status   ENVIRONMENT

  ENVIRONMENT  staging | production (names are thesis-supervisor-ENVIRONMENT)
  IMAGE_TAG    tag already pushed to the ECR repository "thesis-supervisor"

Environment: AWS_REGION (or the AWS CLI default), PROJECT (default thesis-supervisor),
             SMOKE_URL (optional: base URL reaching the green tasks, checked before
             traffic moves), READY_TIMEOUT (seconds, default 900).

Run `python -m bot migrate --backup` (one-off task, see docs/operations.md) before
deploying an image that needs a new schema. Migrations must stay backward
compatible with the running (blue) version.
USAGE
}

die() { echo "blue-green: $*" >&2; exit 1; }

for tool in aws jq; do
    command -v "$tool" >/dev/null || die "$tool is required"
done

project="${PROJECT:-thesis-supervisor}"
ready_timeout="${READY_TIMEOUT:-900}"

[[ $# -ge 1 ]] || { usage >&2; exit 2; }
case "$1" in -h | --help) usage; exit 0 ;; esac
[[ $# -ge 2 ]] || { usage >&2; exit 2; }

action="$1"
env_name="$2"
case "$env_name" in staging | production) ;; *) die "unknown environment: $env_name" ;; esac
name="$project-$env_name"

latest_deployment() {
    aws deploy list-deployments --application-name "$name" --deployment-group-name "$name" \
        --query 'deployments[0]' --output text
}

deployment_status() {
    aws deploy get-deployment --deployment-id "$1" --query 'deploymentInfo.status' --output text
}

green_target_group() {
    # The target group that currently receives no production traffic.
    local lb active
    lb="$(aws elbv2 describe-load-balancers --names "$name" --query 'LoadBalancers[0].LoadBalancerArn' --output text)"
    active="$(aws elbv2 describe-listeners --load-balancer-arn "$lb" \
        --query 'Listeners[?Port==`443`].DefaultActions[0].TargetGroupArn | [0]' --output text)"
    for color in blue green; do
        local arn
        arn="$(aws elbv2 describe-target-groups --names "$name-$color" --query 'TargetGroups[0].TargetGroupArn' --output text)"
        if [[ "$arn" != "$active" ]]; then
            echo "$arn"
            return 0
        fi
    done
    die "cannot tell the idle target group"
}

wait_green_healthy() {
    local tg="$1" deadline healthy total
    deadline=$((SECONDS + ready_timeout))
    while ((SECONDS < deadline)); do
        total="$(aws elbv2 describe-target-health --target-group-arn "$tg" --query 'length(TargetHealthDescriptions)' --output text)"
        healthy="$(aws elbv2 describe-target-health --target-group-arn "$tg" \
            --query 'length(TargetHealthDescriptions[?TargetHealth.State==`healthy`])' --output text)"
        echo "blue-green: green targets healthy $healthy/$total"
        if [[ "$total" -gt 0 && "$healthy" -eq "$total" ]]; then
            return 0
        fi
        sleep 15
    done
    return 1
}

deploy() {
    local tag="$1" wait_for_end="$2" account region image td_json new_td appspec deployment_id
    region="${AWS_REGION:-$(aws configure get region)}"
    account="$(aws sts get-caller-identity --query Account --output text)"
    image="$account.dkr.ecr.$region.amazonaws.com/$project:$tag"

    aws ecr describe-images --repository-name "$project" --image-ids "imageTag=$tag" >/dev/null \
        || die "image $image not found in ECR"

    echo "blue-green: registering $name with image $image"
    td_json="$(aws ecs describe-task-definition --task-definition "$name" --query taskDefinition --output json)"
    new_td="$(jq --arg image "$image" '
        .containerDefinitions |= map(if .name == "app" then .image = $image else . end)
        | del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities,
              .registeredAt, .registeredBy, .deregisteredAt)' <<<"$td_json")"
    new_td="$(aws ecs register-task-definition --cli-input-json "$new_td" \
        --query 'taskDefinition.taskDefinitionArn' --output text)"
    echo "blue-green: task definition $new_td"

    appspec="$(jq -n --arg td "$new_td" '{
        version: 0.0,
        Resources: [{TargetService: {Type: "AWS::ECS::Service", Properties: {
            TaskDefinition: $td,
            LoadBalancerInfo: {ContainerName: "app", ContainerPort: 8000}}}}]}')"
    deployment_id="$(aws deploy create-deployment \
        --application-name "$name" --deployment-group-name "$name" \
        --description "image $tag" \
        --revision "$(jq -n --arg c "$appspec" '{revisionType: "AppSpecContent", appSpecContent: {content: $c}}')" \
        --query deploymentId --output text)"
    echo "blue-green: CodeDeploy deployment $deployment_id started"

    local green
    green="$(green_target_group)"
    if ! wait_green_healthy "$green"; then
        aws deploy stop-deployment --deployment-id "$deployment_id" --auto-rollback-enabled >/dev/null || true
        die "green tasks did not become ready in ${ready_timeout}s; deployment stopped"
    fi
    if [[ -n "${SMOKE_URL:-}" ]]; then
        if ! "$(dirname "$0")/smoke.sh" "$SMOKE_URL"; then
            aws deploy stop-deployment --deployment-id "$deployment_id" --auto-rollback-enabled >/dev/null || true
            die "smoke test failed; deployment stopped"
        fi
    fi

    echo "blue-green: green is ready, switching traffic"
    aws deploy continue-deployment --deployment-id "$deployment_id" --deployment-wait-type READY_WAIT
    if [[ "$wait_for_end" == "yes" ]]; then
        echo "blue-green: waiting for the deployment to finish (blue kept 15 min for roll back)"
        aws deploy wait deployment-successful --deployment-id "$deployment_id"
    fi
    echo "blue-green: $(deployment_status "$deployment_id") - roll back with: $0 rollback $env_name"
}

rollback() {
    local deployment_id status
    deployment_id="$(latest_deployment)"
    [[ -n "$deployment_id" && "$deployment_id" != "None" ]] || die "no deployment found"
    status="$(deployment_status "$deployment_id")"
    echo "blue-green: latest deployment $deployment_id is $status"
    case "$status" in
        InProgress | Ready | Created | Queued)
            aws deploy stop-deployment --deployment-id "$deployment_id" --auto-rollback-enabled
            ;;
        Succeeded)
            # Traffic already moved: redeploy the previous task definition revision.
            local previous
            previous="$(aws ecs list-task-definitions --family-prefix "$name" --sort DESC \
                --query 'taskDefinitionArns[1]' --output text)"
            [[ -n "$previous" && "$previous" != "None" ]] || die "no previous revision"
            echo "blue-green: redeploying $previous"
            local appspec
            appspec="$(jq -n --arg td "$previous" '{version: 0.0, Resources: [{TargetService: {
                Type: "AWS::ECS::Service", Properties: {TaskDefinition: $td,
                LoadBalancerInfo: {ContainerName: "app", ContainerPort: 8000}}}}]}')"
            aws deploy create-deployment --application-name "$name" --deployment-group-name "$name" \
                --description "rollback to $previous" \
                --revision "$(jq -n --arg c "$appspec" '{revisionType: "AppSpecContent", appSpecContent: {content: $c}}')" \
                --query deploymentId --output text
            echo "blue-green: continue it once green is ready: aws deploy continue-deployment --deployment-id <id>"
            ;;
        *) die "nothing to roll back (status $status)" ;;
    esac
}

status() {
    local deployment_id
    deployment_id="$(latest_deployment)"
    if [[ -n "$deployment_id" && "$deployment_id" != "None" ]]; then
        aws deploy get-deployment --deployment-id "$deployment_id" \
            --query 'deploymentInfo.{id:deploymentId,status:status,created:createTime,description:description}' --output table
    fi
    aws ecs describe-services --cluster "$name" --services "$name" \
        --query 'services[0].{desired:desiredCount,running:runningCount,taskDefinition:taskDefinition}' --output table
}

case "$action" in
    deploy)
        [[ $# -ge 3 ]] || { usage >&2; exit 2; }
        wait_for_end=yes
        [[ "${4:-}" == "--no-wait" ]] && wait_for_end=no
        deploy "$3" "$wait_for_end"
        ;;
    rollback) rollback ;;
    status) status ;;
    *) usage >&2; exit 2 ;;
esac
