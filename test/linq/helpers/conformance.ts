// The conformance set (docs/linq.md, "The conformance set"), verbatim, and its negative vectors.

export interface ConformanceQuery {
  /** `9.<n>` (and a letter when one item holds several queries). */
  readonly id: string;
  readonly text: string;
  /** Why it cannot run here, when it cannot: the error it must give instead. */
  readonly error?: RegExp;
}

export const CONFORMANCE: readonly ConformanceQuery[] = [
  {
    id: '1',
    text: 'from siem.logtrust.web.activity group every 3h select count() as c where c > 10',
  },
  {
    id: '2',
    text: `from demo.ecommerce.data
where isnotnull(clientIpAddress)
select mmcountry(clientIpAddress) as country
group every 1h by country
select count() as count`,
    error: /GeoIP database not configured/,
  },
  {
    id: '3',
    text: `from demo.ecommerce.data
where clientIpAddress = 87.153.102.201 or clientIpAddress = 58.14.227.52 or clientIpAddress = 48.126.91.202
group every 5m by method, str(clientIpAddress)
select count() as count`,
  },
  {
    id: '4',
    text: `from firewall.cisco.asa select decode(action, 'Built', 'allowed', 'permitted', 'allowed', 'est-allowed', 'allowed', 'Deny', 'blocked') as actionParsed
where ifaceIn="outside", (eventId=302013 or eventId=302014 or eventId=419002 or eventId=419003 or eventId=302015 or eventId=302016 or eventId=302021 or eventId=302020 or eventId=302021 or eventId=313005 or eventId=106020 or eventId=106021 or eventId=106022 or eventId=106023 or eventId=106024)
select decode(eventId, 302013, "Built", 106023, "ACL Denied", 302014, "Teardown", 302015, "Built", 302016, "Teardown", 302020, "Built", 302021, "Teardown", 313005, "Mismatch", 419002, "Duplicate", 302013, "Built", 106023, "ACL Denied", 302014, "Teardown") as eventIDStr
select eventIDStr + " " + protocol as messageTransport
where isnotnull(messageTransport) group every 1m by messageTransport
select count(srcIp) as Concurrent, floor(hllppcount(srcIp)) as Unique`,
  },
  {
    id: '5',
    text: 'from sourcetable where (has(fieldname1, "value1", "value2", "value3") and  not (fieldname2 = "value5")) select *',
  },
  {
    id: '6a',
    text: 'from sourcetable where (fieldname1 = "value1" or weaktoktains(raw, "value2", true, true) or weaktoktains(raw, "value3", true, true)) select *',
  },
  { id: '6b', text: 'from sourcetable where matches(fieldname1, nameglob("value1*")) select *' },
  {
    id: '6c',
    text: 'from sourcetable where matches(fieldname1, re("([0-9]|[1-9][0-9]|[1-4][0-9]{2})")) select *',
  },
  {
    id: '7',
    text: 'from cloud.office365.management where Operation = "UserLoggedIn" or Operation = "UserLoginFailed" group by Operation, ActorIpAddress, UserId, split(hostchain,"-",1) as collector_id',
  },
  {
    id: '8',
    text: 'from cloud.office365.management.onedrive where Operation = "SharingSet" select str(jsonparse(message)["ObjectId"]) as file where weakhas(file,"strategic") select str(jsonparse(message)["ClientIP"]) as ip, str(jsonparse(message)["TargetUserOrGroupName"]) as recipient',
  },
  {
    id: '9a',
    text: 'from cloud.office365.management.microsoftteams select jqeval(jqcompile(".ParticipantInfo.HasForeignTenantUsers"),jsonparse(message)) as foreign where isnotnull(foreign)',
  },
  {
    id: '9b',
    text: 'from cloud.office365.management where toktains(hostchain,"collector-") select split(hostchain,"-",1) as collector_id where eq(Workload,"Exchange") or eq(Workload,"AzureActiveDirectory") or eq(Workload,"MicrosoftTeams")',
  },
  {
    id: '10',
    text: `from cloud.office365.management.azureactivedirectory
where eq(Operation, "UserLoginFailed")
group every 5m by Operation, UserId, client
every 5m
select count() as failedAttempts
where failedAttempts > 10
select last(ClientIP) as entity_sourceIP
select UserId as entity_sourceAccount`,
  },
  {
    id: '11',
    text: `from cloud.office365
where (eq(Operation,"UserLoginFailed") and toktains(rawMessage,"InvalidUserNameOrPassword",true,true)) or eq(Operation,"UserLoggedIn")
select ClientIP as initial_entity_sourceIP, countrycode(ip4(initial_entity_sourceIP)) as country,UserId as entity_sourceName,ifthenelse(eq(Operation,"UserLoginFailed"), 1 , 0) as failed_attempt,ifthenelse(eq(Operation,"UserLoggedIn"), 1 , 0) as successful_attempt,ObjectId as entity_destinationAccount
group every 5m by entity_sourceName,country,entity_destinationAccount, client
select sum(failed_attempt) as failed_attempts, sum(successful_attempt) as successful_attempts,last(initial_entity_sourceIP) as entity_sourceIP
where failed_attempts > 3
where successful_attempts > 0`,
    error: /GeoIP database not configured/,
  },
  {
    id: '12',
    text: `from cloud.office365
where Operation = "UserLoginFailed" or Operation = "UserLoggedIn"
select ip4(ClientIP) as initial_entity_sourceIP, countrycode(initial_entity_sourceIP) as country, UserId as entity_sourceName
group every 1h by entity_sourceName,Workload, OrganizationId, client
select str(last(initial_entity_sourceIP)) as entity_sourceIP
select int(hllppcount(country)) as location_count
where round(hllppcount(country)) > 1`,
    error: /GeoIP database not configured/,
  },
  {
    id: '13',
    text: `from cloud.office365.management
where eq(Workload, "AzureActiveDirectory") and eq(Operation, "Set Company Information.") and eq(ResultStatus, "Success")
select str(jqeval(jqcompile(".ModifiedProperties[0].Name"), jsonparse(rawMessage))) as CustomModifiedProperties
where eq(CustomModifiedProperties, "StrongAuthenticationPolicy")
select str(jqeval(jqcompile(".ModifiedProperties[0].OldValue"), jsonparse(rawMessage))) as oldValue
select str(jqeval(jqcompile(".ModifiedProperties[0].NewValue"), jsonparse(rawMessage))) as newValue
select jqeval(jqcompile(".[0].RelyingPartyStrongAuthenticationPolicies[0].Rules[0].SelectionConditions[0].Values"), jsonparse(oldValue)) as oldAllowedIPlist
select jqeval(jqcompile(".[0].RelyingPartyStrongAuthenticationPolicies[0].Rules[0].SelectionConditions[0].Values"), jsonparse(newValue)) as newAllowedIPlist
select length(split(stringify(oldAllowedIPlist), "\\",\\"")) as numOldAllowedIPs
select length(split(stringify(newAllowedIPlist), "\\",\\"")) as numNewAllowedIPs
where numOldAllowedIPs < numNewAllowedIPs`,
  },
  {
    id: '14',
    text: `from cloud.office365.management
where eq(Operation, "Set-Mailbox")
where toktains(Parameters_Name_str,"ForwardingAddress",true,true)
select split(split(split(Parameters_Raw,"ForwardingAddress")[1],": ")[1],"\\"")[1] as ForwardingAddress
where not eq(ForwardingAddress,"")
group every 5m by ForwardingAddress, client
select count(ObjectId) as Identity_count
where Identity_count >1`,
  },
  {
    id: '15',
    text: `from cloud.office365.management.onedrive
where UserId != "app@sharepoint"
group every 5m by UserId, FileSizeBytes, Operation, ClientIP, SourceFileName, client
every 5m
select count(UserId) as count_of_entries
select FileSizeBytes \\ 1024 as FileSizeKiloBytes
where FileSizeKiloBytes >= 12
select split(UserId,"@",0) as entity_sourceName`,
  },
  {
    id: '16',
    text: `from cloud.office365.management.exchange
select UserId
select Parameters_AccessRights
where eq(Workload, "Exchange") and eq(Operation, "Add-MailboxPermission") and not eq(UserId, "NT AUTHORITY\\\\SYSTEM (Microsoft.Exchange.ServiceHost)")
group every 5m by UserId, Parameters_AccessRights, client
every 5m`,
  },
  {
    id: '17',
    text: `from box.win_nxlog.security
where EventID in {4624, 4625}, weakhas(TargetUserName, "alice")
select peek(Message, re("(?:Source Network Address|Client Address|Source Address|Network Address):\\\\s*(?:::ffff:)?([^\\\\r\\\\n\\\\t]+)"), 1) as src
group by EventID, host, src, LogonType
select count() as n, min(eventdate) as first_seen, max(eventdate) as last_seen`,
  },
  {
    id: '18',
    text: `from firewall.fortinet.traffic.forward
where isprivate(srcIp)
group every 10m by srcIp
select count() as n, hllppcount(dstIp) as dst_hosts, hllppcount(dstPort) as dst_ports
where dst_hosts > 100 or dst_ports > 50`,
  },
  {
    id: '19a',
    text: 'from siem.logtrust.alert.info where context -> "SentinelOne" select eventdate, alertId, context, priority, username, srcIp, extraData',
  },
  {
    id: '19b',
    text: 'from firewall.all.traffic where srcIp <- 203.0.113.0/24 group every 1h by srcIp, dstPort select count() as n, sum(bytes) as bytes',
  },
  {
    id: '19c',
    text: 'from siem.logtrust.web.activity where username in (from siem.logtrust.web.navigation where "2024-09-10 07:21:35" < eventdate < "2024-09-12 12:21:35" group every - by userEmail) group every 10m by username select count()',
  },
  {
    id: '20',
    text: `from auth.all
where action = "LOGIN"
where not user = "SYSTEM", not user = "LOCAL SERVICE"
select split(split(message, "<Data Name='LogonType'>", 1), "</Data>", 0) as LogonType
where isnotnull(LogonType)
group every 1h by user, client
select int(hllppcount(machine)) as servers`,
  },
];

/** Negative vectors of §9: each must fail with a message, at a place. */
export const NEGATIVE: ReadonlyArray<{
  text: string;
  message: RegExp;
  /** The text the caret must underline. */
  at: string;
}> = [
  { text: 'from "box.unix"', message: /not a string/, at: '"box.unix"' },
  { text: 'from box.unix where re("\\.")', message: /Unknown escape/, at: '\\.' },
  {
    text: 'from box.unix where properties_ipAddress in {203.0.113.10}',
    message: /Cannot look for a str in a set of ip4/,
    at: '203.0.113.10',
  },
  { text: 'from box.unix group select count() as by', message: /keyword/, at: 'by' },
  {
    text: 'from box.unix select replace(re("x"), f, "y") as r',
    message: /No function named `replace`/,
    at: 'replace(re("x"), f, "y")',
  },
];
