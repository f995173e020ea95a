// The five content types of the Office 365 Management Activity API, and the names the vendor's
// collector template gives them in its `services` section.

export const CONTENT_TYPES = [
  'Audit.AzureActiveDirectory',
  'Audit.Exchange',
  'Audit.SharePoint',
  'Audit.General',
  'DLP.All',
] as const;

export type ContentType = (typeof CONTENT_TYPES)[number];

/** `services` keys of the vendor template → content type. */
export const SERVICE_CONTENT_TYPES: Readonly<Record<string, ContentType>> = {
  azure_active_directory: 'Audit.AzureActiveDirectory',
  exchange: 'Audit.Exchange',
  sharepoint: 'Audit.SharePoint',
  general_audit: 'Audit.General',
  dlp: 'DLP.All',
};

export function isContentType(value: string): value is ContentType {
  return (CONTENT_TYPES as readonly string[]).includes(value);
}

/** DLP.All needs the extra role ActivityFeed.ReadDlp; every other type needs ActivityFeed.Read. */
export function requiredRole(contentType: ContentType): string {
  return contentType === 'DLP.All' ? 'ActivityFeed.ReadDlp' : 'ActivityFeed.Read';
}

/**
 * RecordTypes of DLP matches (ComplianceDLPSharePoint, ComplianceDLPExchange,
 * ComplianceDLPSharePointClassification, DLPEndpoint): imported records of these types are
 * counted as the DLP.All feed.
 */
export const DLP_RECORD_TYPES: readonly number[] = [11, 13, 33, 63];

/**
 * The content type a record arrives in, for records that come without one (imports): DLP
 * RecordTypes are DLP.All, then by Workload as Microsoft publishes them.
 */
export const WORKLOAD_CONTENT_TYPES: Readonly<Record<string, ContentType>> = {
  AzureActiveDirectory: 'Audit.AzureActiveDirectory',
  Exchange: 'Audit.Exchange',
  SharePoint: 'Audit.SharePoint',
  OneDrive: 'Audit.SharePoint',
};
