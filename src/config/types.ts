// The configuration file of m365hunt: the vendor's collector template (`inputs.office365` with
// `credentials`, `enabled`, `id`, `services`) accepted as is, plus m365hunt's own keys and sections.
// `inputs.office365` is one collector instance (one tenant) or an array of them (several tenants).

export type CloudName = 'commercial' | 'gcc' | 'gcchigh' | 'dod';

export interface CertificateConfig {
  /** PEM file of the X.509 certificate registered on the app. */
  cert_file: string;
  /** PEM file of its RSA private key. */
  key_file: string;
  /** Environment variable that holds the key's passphrase, if it has one. */
  key_passphrase_env?: string;
}

export interface CredentialsConfig {
  tenant_id: string;
  client_id: string;
  /** The secret itself, as in the vendor template. Prefer `client_secret_env` or `client_secret_file`. */
  client_secret?: string;
  /** Name of an environment variable that holds the client secret. */
  client_secret_env?: string;
  /** Path of a file that holds the client secret (trailing newline ignored). */
  client_secret_file?: string;
  /** When the client secret expires (ISO date), so that m365hunt warns before collection stops. */
  client_secret_expires?: string;
  /** Certificate credentials instead of a secret. */
  certificate?: CertificateConfig;
}

/** Endpoint overrides, for the bundled simulator or a proxy. Each is a base URL. */
export interface EndpointsConfig {
  /** Entra ID token authority host, e.g. `http://127.0.0.1:8443` (tenant path is appended). */
  login?: string;
  /** Management Activity API host (`/api/v1.0/{tenant}/activity/feed` is appended). */
  manage?: string;
  /** Microsoft Graph host (`/v1.0/...` is appended). */
  graph?: string;
}

/** Options of one service (content type or Graph source). Unknown keys are warned about, not rejected. */
export interface ServiceConfig {
  enabled?: boolean;
  [option: string]: unknown;
}

export interface Office365InputConfig {
  /** Five-digit unique collector id; it becomes `collector-<id>-<host>` in `hostchain`. */
  id: string;
  enabled: boolean;
  /** The tenant's label in the `client` column; defaults to the tenant id. */
  name?: string;
  credentials: CredentialsConfig;
  /**
   * Vendor keys: azure_active_directory, exchange, sharepoint, general_audit, dlp, uri_retry.
   * m365hunt keys (Microsoft Graph sources): entra_id, reports, message_trace.
   */
  services: Record<string, ServiceConfig>;
  cloud?: CloudName;
  endpoints?: EndpointsConfig;
  /** Tenant GUID of the publisher sent as PublisherIdentifier; defaults to the collected tenant. */
  publisher_id?: string;
  /** How far back the first collection starts: a duration such as `7d` or `12h` (at most 7 days). */
  backfill?: string;
  /** Time between polls once caught up, e.g. `3m`. */
  poll_interval?: string;
}

export interface StoreConfig {
  /** DuckDB file (the embedded default). */
  db?: string;
  /** Store URL: `duckdb:PATH`, `chdb:DIR` or `clickhouse://host:port/db`. */
  url?: string;
}

export interface M365HuntConfig {
  inputs: { office365: Office365InputConfig | Office365InputConfig[] };
  store?: StoreConfig;
  alerts?: Record<string, unknown>;
  server?: Record<string, unknown>;
  respond?: Record<string, unknown>;
}
