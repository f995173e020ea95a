// A compliance admin weakens insider-risk monitoring right before an insider acts.
import { MINUTE } from '../util/time.js';
import { type ScenarioDefinition, sec } from './kit.js';

export const insiderRiskPolicyChange: ScenarioDefinition = {
  name: 'insider-risk-policy-change',
  title: 'Insider-risk policy deactivated and replaced',
  techniques: ['T1562.001'],
  description:
    'A Compliance Administrator reviews the insider-risk policies (Get-InsiderRiskPolicy, noise the seed query excludes), disables the departing-users policy (Set-InsiderRiskPolicy -Enabled $false), removes it (Remove-InsiderRiskPolicy) and creates a monitor-only replacement (New-InsiderRiskPolicy).',
  durationMinutes: 30,
  plan(kit, anchor) {
    const admin = kit.actor((u) => u.adminRoles.includes('Compliance Administrator'));
    const ip = admin.homeIp;
    const policy = 'Data leaks by departing users';
    let t = sec(anchor);
    for (const at of kit.times(t, 3, 90))
      kit.push(kit.compliance(at, admin, 'Get-InsiderRiskPolicy', '', '', ip));
    t += 6 * MINUTE;
    kit.push(
      kit.compliance(
        t,
        admin,
        'Set-InsiderRiskPolicy',
        policy,
        `-Identity "${policy}" -Enabled $false`,
        ip,
      ),
    );
    t += 5 * MINUTE;
    kit.push(
      kit.compliance(
        t,
        admin,
        'Remove-InsiderRiskPolicy',
        policy,
        `-Identity "${policy}" -Confirm:$false`,
        ip,
      ),
    );
    t += 5 * MINUTE;
    kit.push(
      kit.compliance(
        t,
        admin,
        'New-InsiderRiskPolicy',
        'Data leaks (monitor only)',
        '-Name "Data leaks (monitor only)" -InsiderRiskScenario "LeakOfInformation" -Enabled $false',
        ip,
      ),
    );
    kit.push(
      kit.compliance(
        t + 2 * MINUTE,
        admin,
        'Get-InsiderRiskPolicy',
        '',
        '-Identity "Data leaks (monitor only)"',
        ip,
      ),
    );
    return { actors: [admin] };
  },
};
