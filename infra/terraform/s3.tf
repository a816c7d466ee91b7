# Two private buckets: thesis files (S3_BUCKET) and backups (S3_BACKUP_BUCKET).
# Both: public access blocked, SSE-KMS by default with our own key, versioning, TLS-only
# bucket policy. infra/check_terraform.py asserts the first three in CI.
#
# Encryption at rest is the buckets' default: the application names no algorithm on a write
# (storage/files.py), so every object, backups included, is encrypted with aws_kms_key.s3.
#
# The backups bucket is add-only for the application role (docs/operations.md, section 5):
# it may create new objects (If-None-Match: *, so never replace one), read them, and nothing
# else: no delete, no retention change. Object Lock (governance) keeps every version for
# backup_lock_days even against a role that could delete; the lifecycle removes them later.

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "s3" {
  description             = "${local.name}: thesis files and backups at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "s3" {
  name          = "alias/${local.name}-s3"
  target_key_id = aws_kms_key.s3.key_id
}

resource "aws_s3_bucket" "files" {
  bucket = "${local.name}-files-${data.aws_caller_identity.current.account_id}"
}

resource "aws_s3_bucket" "backups" {
  bucket = "${local.name}-backups-${data.aws_caller_identity.current.account_id}"
  # Set at creation. An existing bucket (versioned) gets it with
  # `aws s3api put-object-lock-configuration` first; see docs/operations.md.
  object_lock_enabled = true
}

# ---------------------------------------------------------------- files
resource "aws_s3_bucket_public_access_block" "files" {
  bucket                  = aws_s3_bucket.files.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "files" {
  bucket = aws_s3_bucket.files.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "files" {
  bucket = aws_s3_bucket.files.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.s3.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "files" {
  bucket = aws_s3_bucket.files.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "files" {
  bucket = aws_s3_bucket.files.id

  rule {
    id     = "old-versions-and-uploads"
    status = "Enabled"
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.files]
}

# ---------------------------------------------------------------- backups
resource "aws_s3_bucket_public_access_block" "backups" {
  bucket                  = aws_s3_bucket.backups.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "backups" {
  bucket = aws_s3_bucket.backups.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "backups" {
  bucket = aws_s3_bucket.backups.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.s3.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "backups" {
  bucket = aws_s3_bucket.backups.id
  versioning_configuration {
    status = "Enabled"
  }
}

# Every version of a backup object is kept for backup_lock_days: nobody without
# s3:BypassGovernanceRetention (the application role has none) can delete or shorten it.
resource "aws_s3_bucket_object_lock_configuration" "backups" {
  bucket = aws_s3_bucket.backups.id
  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = var.backup_lock_days
    }
  }
  depends_on = [aws_s3_bucket_versioning.backups]
}

# Backups: infrequent access after 30 days, Glacier after 90 (if kept that long),
# deleted after backup_retention_days; old versions go after 30 days.
resource "aws_s3_bucket_lifecycle_configuration" "backups" {
  bucket = aws_s3_bucket.backups.id

  rule {
    id     = "backup-retention"
    status = "Enabled"
    filter {}

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    dynamic "transition" {
      for_each = var.backup_retention_days > 120 ? [1] : []
      content {
        days          = 90
        storage_class = "GLACIER"
      }
    }

    expiration {
      days = var.backup_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.backups]
}

# ---------------------------------------------------------------- TLS only
data "aws_iam_policy_document" "tls_only" {
  for_each = {
    files   = aws_s3_bucket.files.arn
    backups = aws_s3_bucket.backups.arn
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [each.value, "${each.value}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "files" {
  bucket     = aws_s3_bucket.files.id
  policy     = data.aws_iam_policy_document.tls_only["files"].json
  depends_on = [aws_s3_bucket_public_access_block.files]
}

# The application role (aws_iam_role.task) on the backups bucket, denied here so that no
# later widening of its IAM policy can undo it:
# - it creates objects only with If-None-Match: * (PutObject and CompleteMultipartUpload;
#   CreateMultipartUpload and UploadPart carry no such header and are not object-creating),
#   so it cannot overwrite a backup, its own or another's. AWS: "Enforce conditional writes
#   on Amazon S3 buckets". Consequence: no CopyObject into this bucket (backups stream).
# - it never deletes, and cannot change retention, lock, lifecycle, versioning or policy.
data "aws_iam_policy_document" "backups" {
  source_policy_documents = [data.aws_iam_policy_document.tls_only["backups"].json]

  statement {
    sid       = "AppCreatesOnlyNewObjects"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.backups.arn}/*"]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.task.arn]
    }

    condition {
      test     = "Null"
      variable = "s3:if-none-match"
      values   = ["true"]
    }

    condition {
      test     = "Bool"
      variable = "s3:ObjectCreationOperation"
      values   = ["true"]
    }
  }

  statement {
    sid    = "AppNeverDeletesBackups"
    effect = "Deny"
    actions = [
      "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteObjectTagging",
      "s3:PutObjectRetention", "s3:BypassGovernanceRetention", "s3:PutObjectLegalHold",
      "s3:PutObjectAcl", "s3:PutLifecycleConfiguration", "s3:PutBucketVersioning",
      "s3:PutBucketObjectLockConfiguration", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
      "s3:PutEncryptionConfiguration", "s3:DeleteBucket",
    ]
    resources = [aws_s3_bucket.backups.arn, "${aws_s3_bucket.backups.arn}/*"]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.task.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "backups" {
  bucket     = aws_s3_bucket.backups.id
  policy     = data.aws_iam_policy_document.backups.json
  depends_on = [aws_s3_bucket_public_access_block.backups]
}
