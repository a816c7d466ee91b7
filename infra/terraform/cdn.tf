# CloudFront in front of the ALB for the Mini App (WEBAPP_URL = https://<bot_domain>/app/).
# Off unless cdn_enabled: the ALB alone serves everything, the Mini App included.
#
#   /app/assets/*  content-hashed files: cached at the edge for as long as the app says
#                  (Cache-Control: public, max-age=31536000, immutable), compressed
#   /app/*         index.html: no-cache with an ETag, so every open revalidates
#   default        the webhook, /api/ and /health: never cached, everything forwarded
#                  (Authorization, the webhook's secret header, the body)

variable "cdn_enabled" {
  description = "Put CloudFront in front of the ALB (point bot_domain at the distribution)."
  type        = bool
  default     = false
}

variable "cdn_certificate_arn" {
  description = "ACM certificate for bot_domain in us-east-1 (CloudFront's region)."
  type        = string
  default     = ""
}

data "aws_cloudfront_cache_policy" "disabled" {
  name = "Managed-CachingDisabled"
}

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

data "aws_cloudfront_origin_request_policy" "all_viewer" {
  name = "Managed-AllViewer"
}

resource "aws_cloudfront_distribution" "app" {
  count           = var.cdn_enabled ? 1 : 0
  enabled         = true
  is_ipv6_enabled = true
  comment         = "${local.name}: Mini App assets at the edge, the rest passed to the ALB"
  aliases         = [var.bot_domain]
  price_class     = "PriceClass_100"

  origin {
    # The ALB; its certificate is for bot_domain, which CloudFront checks against the Host
    # header every behaviour forwards (AllViewer).
    domain_name = aws_lb.main.dns_name
    origin_id   = "alb"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id         = "alb"
    viewer_protocol_policy   = "redirect-to-https"
    allowed_methods          = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods           = ["GET", "HEAD"]
    cache_policy_id          = data.aws_cloudfront_cache_policy.disabled.id
    origin_request_policy_id = data.aws_cloudfront_origin_request_policy.all_viewer.id
    compress                 = true
  }

  # The seed's /static/* behaviour, for the Mini App's hashed assets.
  ordered_cache_behavior {
    path_pattern             = "/app/assets/*"
    target_origin_id         = "alb"
    viewer_protocol_policy   = "redirect-to-https"
    allowed_methods          = ["GET", "HEAD", "OPTIONS"]
    cached_methods           = ["GET", "HEAD"]
    cache_policy_id          = data.aws_cloudfront_cache_policy.optimized.id
    origin_request_policy_id = data.aws_cloudfront_origin_request_policy.all_viewer.id
    compress                 = true
  }

  ordered_cache_behavior {
    path_pattern           = "/app/*"
    target_origin_id       = "alb"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    # Honours the origin's no-cache: CloudFront revalidates index.html with its ETag.
    cache_policy_id          = data.aws_cloudfront_cache_policy.optimized.id
    origin_request_policy_id = data.aws_cloudfront_origin_request_policy.all_viewer.id
    compress                 = true
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = var.cdn_certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

output "cdn_domain_name" {
  description = "Point bot_domain here when cdn_enabled (instead of the ALB)."
  value       = var.cdn_enabled ? aws_cloudfront_distribution.app[0].domain_name : ""
}
