variable "namespace" {
  description = "Namespace of the release (and of the optional MLflow)."
  type        = string
  default     = "mlctl"
}

variable "create_namespace" {
  description = "Create the namespace; false when it exists already."
  type        = bool
  default     = true
}

variable "release_name" {
  description = "Helm release name; resource names derive from it, so several releases can share a namespace."
  type        = string
  default     = "mlctl"
}

variable "chart_path" {
  description = "Path of the mlctl chart; default the chart in this repository (infra/helm/mlctl)."
  type        = string
  default     = null
}

variable "image_repository" {
  description = "Repository of the mlctl image (built from the repository's Dockerfile)."
  type        = string
}

variable "image_tag" {
  description = "Tag of the stable track's image; empty means the chart's appVersion."
  type        = string
  default     = ""
}

variable "model_uri" {
  description = "Model the stable track serves and follows."
  type        = string
  default     = "models:/iris@production"
}

variable "model_auto_refresh_seconds" {
  description = "Seconds between registry checks for a new version behind model_uri (0 disables)."
  type        = number
  default     = 300
}

variable "canary" {
  description = "The canary track: the candidate model (and optionally image tag) on its own Deployment."
  type = object({
    enabled   = bool
    model_uri = optional(string, "models:/iris@candidate")
    image_tag = optional(string, "")
    replicas  = optional(number, 1)
  })
  default = { enabled = false }
}

variable "mlflow_tracking_uri" {
  description = "MLflow tracking server; null means the in-cluster MLflow of this module (mlflow.enabled)."
  type        = string
  default     = null
}

variable "mlflow" {
  description = "An MLflow tracking server in the namespace (SQLite and artifacts on one volume): for trials and small teams; use a managed database and object store beyond that."
  type = object({
    enabled       = bool
    image         = optional(string, "ghcr.io/mlflow/mlflow:v3.17.2")
    storage_size  = optional(string, "10Gi")
    storage_class = optional(string, null)
  })
  default = { enabled = false }
}

variable "admin_api_token" {
  description = "Token of the /admin endpoints (and the drift monitor's /refresh); null leaves them disabled."
  type        = string
  default     = null
  sensitive   = true
}

variable "mlflow_credentials" {
  description = "Credentials mlctl sends to MLflow: username and password, or a token."
  type = object({
    username = optional(string)
    password = optional(string)
    token    = optional(string)
  })
  default   = {}
  sensitive = true
}

variable "existing_secret_name" {
  description = "Use this existing Secret (keys ADMIN_API_TOKEN, MLFLOW_TRACKING_*) instead of creating one from the variables above."
  type        = string
  default     = null
}

variable "service_monitor" {
  description = "Create ServiceMonitors (prometheus-operator); labels are those your Prometheus selects them by."
  type = object({
    enabled = bool
    labels  = optional(map(string), {})
  })
  default = { enabled = false }
}

variable "prometheus_rule_files" {
  description = "Prometheus rule files (e.g. infra/prometheus/rules/*.yml) whose groups become the chart's PrometheusRule; empty for none."
  type        = list(string)
  default     = []
}

variable "drift" {
  description = "The drift monitor: Loki holding the serve pods' logs."
  type = object({
    enabled       = optional(bool, true)
    loki_base_url = optional(string, "http://loki.monitoring:3100")
  })
  default = {}
}

variable "extra_values" {
  description = "More chart values, merged by Helm over the ones this module sets (see infra/helm/mlctl/values.yaml)."
  type        = any
  default     = {}
}

variable "wait_for_ready" {
  description = "Wait until every pod is ready. Serve pods need their model in the registry first, so leave it false for a first install before anything is registered."
  type        = bool
  default     = false
}
