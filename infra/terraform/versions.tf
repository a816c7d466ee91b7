terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # State per environment, e.g.:
  #   terraform init -backend-config="bucket=<state-bucket>" \
  #     -backend-config="key=thesis-supervisor/production.tfstate" \
  #     -backend-config="region=eu-central-1" -backend-config="dynamodb_table=<lock-table>"
  backend "s3" {
    encrypt = true
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}
