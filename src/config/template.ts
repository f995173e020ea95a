// The starting configuration `m365hunt init` writes: the vendor's template with every key
// explained in comments, and the portal steps that give each value.

export const CONFIG_TEMPLATE = `// m365hunt configuration (JSON; // comments are allowed).
// "inputs.office365" is the vendor's collector template, accepted as is: paste yours here.
// For several tenants, make "office365" an array of such blocks, each with its own id.
//
// App registration, once per tenant (Azure portal):
//   1. Entra ID > App registrations > New registration; name it (e.g. m365hunt); no redirect URI.
//   2. Note the Application (client) ID and the Directory (tenant) ID from its Overview.
//   3. Certificates & secrets > New client secret (note its expiry), copy the secret's Value
//      (shown once; it contains a ~). Or upload a certificate instead (see "certificate" below).
//   4. API permissions > Add a permission > Office 365 Management APIs > Application permissions:
//      ActivityFeed.Read, ServiceHealth.Read, and ActivityFeed.ReadDlp if you collect DLP.All.
//   5. Grant admin consent for the tenant; the status must turn to "Granted".
//   6. Unified audit logging must be on: Microsoft Purview > Audit > Start recording.
// Then: \`npx m365hunt config check --config <this file>\` tells you what is missing.
{
  "inputs": {
    "office365": {
      // Five-digit id of this collector instance; rows get hostchain collector-<id>-<host>.
      "id": "10001",
      "enabled": true,
      // The tenant's label in the \`client\` column (defaults to the tenant id).
      "name": "contoso",
      "credentials": {
        // Entra ID > Overview > Tenant ID
        "tenant_id": "<TENANT_ID>",
        // Entra ID > App registrations > your app > Overview > Application (client) ID
        "client_id": "<CLIENT_ID>",
        // The secret never needs to sit in this file: name an environment variable holding it
        // (or use "client_secret_file": "path"; the vendor's "client_secret": "…" also works).
        "client_secret_env": "M365HUNT_CLIENT_SECRET",
        // The secret's expiry date from the portal: m365hunt warns 30 days before collection stops.
        "client_secret_expires": "2027-12-31"
        // Certificate instead of a secret (RSA, uploaded under Certificates & secrets):
        // "certificate": { "cert_file": "app.crt", "key_file": "app.key", "key_passphrase_env": "KEY_PASS" }
      },
      // Content types to collect (remove a line to skip one). m365hunt also knows
      // "entra_id", "reports" and "message_trace" (Microsoft Graph sources).
      "services": {
        "azure_active_directory": {},
        "general_audit": {},
        "exchange": {},
        "sharepoint": {},
        "dlp": {}
      },
      // commercial, gcc, gcchigh or dod: sets the sign-in host, API hosts and token audiences together.
      "cloud": "commercial",
      // How far back the first run collects (the API keeps 7 days), and how often to poll after.
      "backfill": "7d",
      "poll_interval": "3m"
    }
  },
  // Where the data goes: one DuckDB file (the default), or "url": "chdb:DIR" / "clickhouse://host:8123/db".
  "store": { "db": "./m365hunt.duckdb" }
}
`;
