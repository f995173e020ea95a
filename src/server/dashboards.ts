// The built-in dashboards, in the spirit of Devo's Activeboards: each panel is a LINQ query (which
// the app can open in search) and a way to draw its answer. Panels of kind `status` and `alerts`
// read the collector-status and alert APIs instead.
import type { Dashboard } from '../contracts/dashboards.js';

// The shapes are the API contract's, which the web app reads.
export type { Dashboard, Panel, PanelKind } from '../contracts/dashboards.js';

const M = 'cloud.office365.management';
const SIGNIN = 'cloud.azure.ad.signin';
const TRACE = 'cloud.office365.messagetracing';
const SHARING_OPS = [
  'SharingSet',
  'AnonymousLinkCreated',
  'SharingInvitationCreated',
  'AddedToSecureLink',
  'CompanyLinkCreated',
];
const anyOf = (field: string, values: readonly string[]) =>
  values.map((v) => `${field} = "${v}"`).join(' or ');

export const DASHBOARDS: readonly Dashboard[] = [
  {
    id: 'overview',
    title: 'Sharing and exfiltration',
    description: 'Who shares what with whom, who downloads in bulk, and the alerts about it.',
    range: 'now-2d',
    panels: [
      {
        id: 'sharing-over-time',
        title: 'Sharing events per hour',
        kind: 'timeseries',
        series: 'Operation',
        query: `from ${M} where ${anyOf('Operation', SHARING_OPS)} group every 1h by Operation select count() as events`,
        description: 'Links and invitations created, by kind.',
      },
      {
        id: 'top-sharers',
        title: 'Top sharers',
        kind: 'bar',
        label: 'UserId',
        value: 'events',
        query: `from ${M} where ${anyOf('Operation', SHARING_OPS)} group by UserId select count() as events order by events desc limit 15`,
        description: 'Accounts that created the most sharing links and invitations.',
      },
      {
        id: 'external-recipients',
        title: 'External recipients',
        kind: 'table',
        query: `from ${M} where Operation = "SharingSet" or Operation = "SharingInvitationCreated", TargetUserOrGroupType = "Guest" group by UserId, TargetUserOrGroupName select count() as files order by files desc limit 50`,
        description: 'Guests that received files, and who shared with them.',
      },
      {
        id: 'top-downloaders',
        title: 'Top downloaders',
        kind: 'bar',
        label: 'UserId',
        value: 'downloads',
        query: `from ${M} where Operation = "FileDownloaded" or Operation = "FileSyncDownloadedFull" group by UserId select count() as downloads order by downloads desc limit 15`,
        description: 'Bulk download is the most common exfiltration step.',
      },
      {
        id: 'open-alerts',
        title: 'Open alerts',
        kind: 'alerts',
        description: 'New and acknowledged alerts.',
      },
    ],
  },
  {
    id: 'signins',
    title: 'Sign-ins',
    description: 'Successes and failures by user and address (seed use case 1).',
    range: 'now-2d',
    panels: [
      {
        id: 'signins-over-time',
        title: 'Sign-ins per hour',
        kind: 'timeseries',
        series: 'Operation',
        query: `from ${M} where Operation = "UserLoggedIn" or Operation = "UserLoginFailed" group every 1h by Operation select count() as events`,
        description: 'Successes against failures; a spike of failures is a spray.',
      },
      {
        id: 'failures-by-address',
        title: 'Failures by address',
        kind: 'bar',
        label: 'ActorIpAddress',
        value: 'failures',
        query: `from ${M} where Operation = "UserLoginFailed" group by ActorIpAddress select count() as failures order by failures desc limit 15`,
        description: 'Addresses with the most failed sign-ins.',
      },
      {
        id: 'failures-by-user',
        title: 'Failures by user and address',
        kind: 'table',
        query: `from ${M} where Operation = "UserLoginFailed" group by UserId, ActorIpAddress select count() as failures order by failures desc limit 50`,
        description: 'Who failed to sign in, from where.',
      },
      {
        id: 'seed-1',
        title: 'Who logged in, and from where',
        kind: 'table',
        query: `from ${M} where Operation = "UserLoggedIn" or Operation = "UserLoginFailed" group by Operation, ActorIpAddress, UserId, split(hostchain,"-",1) as collector_id`,
        description: 'Seed use case 1, as the analysts of the seed wrote it.',
      },
    ],
  },
  {
    id: 'workloads',
    title: 'Exchange, SharePoint, OneDrive',
    description: 'What happens in mail and files.',
    range: 'now-2d',
    panels: [
      {
        id: 'exchange-ops',
        title: 'Exchange operations',
        kind: 'bar',
        label: 'Operation',
        value: 'events',
        query: `from ${M}.exchange group by Operation select count() as events order by events desc limit 15`,
        description: 'Mailbox and admin operations.',
      },
      {
        id: 'mail-rules',
        title: 'Inbox rules and forwarding',
        kind: 'table',
        query: `from ${M}.exchange where Operation = "New-InboxRule" or Operation = "Set-InboxRule" or Operation = "Set-Mailbox" or Operation = "UpdateInboxRules" group by UserId, Operation select count() as events`,
        description: 'Forwarding rules are a classic way to siphon mail.',
      },
      {
        id: 'files-over-time',
        title: 'SharePoint and OneDrive events per hour',
        kind: 'timeseries',
        series: 'Workload',
        query: `from ${M} where Workload = "SharePoint" or Workload = "OneDrive" group every 1h by Workload select count() as events`,
        description: 'File activity by workload.',
      },
      {
        id: 'deletions',
        title: 'Deletions',
        kind: 'table',
        query: `from ${M} where Operation = "FileDeleted" or Operation = "FileVersionsAllDeleted" or Operation = "FileRecycled" group by UserId, Operation select count() as events order by events desc limit 50`,
        description: 'Who destroyed data (seed use case 7 looks at version purges).',
      },
    ],
  },
  {
    id: 'teams',
    title: 'Teams external access',
    description: 'Teams activity open to foreign tenants (seed use case 6).',
    range: 'now-2d',
    panels: [
      {
        id: 'teams-ops',
        title: 'Teams operations',
        kind: 'bar',
        label: 'Operation',
        value: 'events',
        query: `from ${M}.microsoftteams group by Operation select count() as events order by events desc limit 15`,
        description: 'What people do in Teams.',
      },
      {
        id: 'teams-foreign',
        title: 'Activity open to foreign tenants',
        kind: 'table',
        query: `from ${M}.microsoftteams select jqeval(jqcompile(".ParticipantInfo.HasForeignTenantUsers"),jsonparse(message)) as foreign where isnotnull(foreign) group by UserId, Operation, foreign select count() as events`,
        description: 'Seed use case 6, grouped by user and operation.',
      },
    ],
  },
  {
    id: 'entra',
    title: 'Entra ID sign-ins and mail flow',
    description:
      'Sign-ins by application and country (Graph sign-in logs) and where mail goes (message trace).',
    range: 'now-2d',
    panels: [
      {
        id: 'signins-by-app',
        title: 'Sign-ins by application',
        kind: 'bar',
        label: 'appDisplayName',
        value: 'signins',
        query: `from ${SIGNIN} group by appDisplayName select count() as signins order by signins desc limit 15`,
        description: 'The applications people sign in to.',
      },
      {
        id: 'signins-by-country',
        title: 'Sign-ins by country',
        kind: 'bar',
        label: 'countryOrRegion',
        value: 'signins',
        query: `from ${SIGNIN} group by countryOrRegion select count() as signins order by signins desc limit 15`,
        description: "Microsoft's location of each sign-in; a new country stands out.",
      },
      {
        id: 'signins-by-user-country',
        title: 'Successful sign-ins by user, country and application',
        kind: 'table',
        query: `from ${SIGNIN} where errorCode = 0 group by userPrincipalName, countryOrRegion, appDisplayName select count() as signins, max(eventdate) as last_seen order by signins desc limit 100`,
        description: 'Who signed in from where, to what.',
      },
      {
        id: 'mail-flow',
        title: 'Messages per hour, inside and outside',
        kind: 'timeseries',
        series: 'direction',
        query: `from ${TRACE} select ifthenelse(lower(split(senderAddress, "@", 1)) = lower(split(recipientAddress, "@", 1)), "inside", "outside") as direction group every 1h by direction select count() as messages`,
        description: 'Mail delivered per hour (one per recipient).',
      },
      {
        id: 'outside-senders',
        title: 'Senders to outside domains',
        kind: 'table',
        query: `from ${TRACE} select lower(split(recipientAddress, "@", 1)) as domain where domain != lower(split(senderAddress, "@", 1)) group by senderAddress select count() as messages, hllppcount(domain) as domains, sum(size) as bytes order by domains desc limit 50`,
        description: 'Who sends how much mail to how many outside domains.',
      },
    ],
  },
  {
    id: 'health',
    title: 'Collector health',
    description: 'Lag, volume per workload, and the inactivity alerts (seed use case 8).',
    range: 'now-2d',
    panels: [
      {
        id: 'status',
        title: 'Collector status',
        kind: 'status',
        description: 'Lag, records, skipped blobs and errors per stream.',
      },
      {
        id: 'volume',
        title: 'Records per hour by workload',
        kind: 'timeseries',
        series: 'Workload',
        query: `from ${M} group every 1h by Workload select count() as events`,
        description: 'A workload that goes flat has stopped flowing.',
      },
      {
        id: 'collector-workload',
        title: 'Records by collector and workload',
        kind: 'table',
        query: `from ${M} where toktains(hostchain,"collector-") select split(hostchain,"-",1) as collector_id group by collector_id, Workload select count() as events, max(eventdate) as last_event`,
        description: 'What each collector delivers (the keys of the inactivity alert).',
      },
      {
        id: 'inactivity',
        title: 'Inactivity alerts',
        kind: 'alerts',
        rule: 'health-',
        description: 'Collectors or workloads that went silent.',
      },
    ],
  },
];
