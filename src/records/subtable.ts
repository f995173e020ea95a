// Routing of a record to its `cloud.office365.management.<workload>` sub-table: the lower-cased
// Workload with anything but letters and digits removed (Devo's naming), or `unknown`.

export const SUBTABLE_ALIASES: Readonly<Record<string, string>> = {
  // The vendor's collector page names the Entra sub-table with underscores; its table catalog does not.
  azure_active_directory: 'azureactivedirectory',
};

/** Sub-tables analysts know by name; records of other workloads get their own sub-table too. */
export const KNOWN_SUBTABLES = [
  'aip',
  'airinvestigation',
  'azureactivedirectory',
  'compliance',
  'compliancemanager',
  'corereporting',
  'crm',
  'endpoint',
  'exchange',
  'mcas',
  'microsoftflow',
  'microsoftforms',
  'microsoftstream',
  'microsoftteams',
  'mip',
  'myanalytics',
  'officeapps',
  'onedrive',
  'powerapps',
  'powerbi',
  'powerplatformadmin',
  'project',
  'publicendpoint',
  'quarantine',
  'securitycompliancecenter',
  'sharepoint',
  'threatintelligence',
  'yammer',
] as const;

export function subtableForWorkload(workload: unknown): string {
  if (typeof workload !== 'string') return 'unknown';
  const name = workload.toLowerCase().replace(/[^a-z0-9]/g, '');
  return name === '' ? 'unknown' : name;
}
