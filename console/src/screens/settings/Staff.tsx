import { useState } from 'react';
import { api } from '../../api';
import { ActionForm } from '../../components/ActionForm';
import { ItemTable, ShowList } from '../../components/Lists';
import { ActionError, ConfirmButton, ShownOnce, titleOf, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { Location, LocationList, Role, StaffInvited, StaffList, StaffMember } from '../../types';

const ROLES = ['owner', 'manager', 'agent', 'analyst'] as const satisfies readonly Role[];
const PERMISSIONS = ['create', 'comment', 'close'] as const;

/** /settings/staff: staff members and their roles (GET/POST/PATCH/DELETE /admin/v1/staff). */
export default function Staff() {
  const [loaded, reload] = useApiLoad(() => api<StaffList>('GET', '/staff'), []);
  const [locations] = useApiLoad(() => api<LocationList>('GET', '/locations'), []);
  const locationList = locations.state === 'ready' ? locations.data.locations : [];
  return (
    <div>
      <h2>{t('settings.staff')}</h2>
      <ShowList loaded={loaded} retry={reload} items={(data) => data.staff}>
        {(staff) => (
          <ItemTable
            items={staff}
            rowKey={(s) => s.id}
            columns={[
              { label: t('staff.name'), cell: (s) => s.name ?? '—' },
              { label: t('staff.email'), cell: (s) => s.email },
              { label: t('staff.role'), cell: (s) => <RoleSelect member={s} done={reload} /> },
            ]}
            actions={(s) => (
              <ConfirmButton
                text={t('common.remove')}
                label={t('staff.removeNamed', { email: s.email })}
                question={t('staff.removeQuestion', { email: s.email })}
                action={() => api('DELETE', `/staff/${s.id}`)}
                done={reload}
              />
            )}
          />
        )}
      </ShowList>
      <Invite locations={locationList} done={reload} />
    </div>
  );
}

/** The roles as the options of a select. */
function RoleOptions() {
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {t(`role.${r}`)}
    </option>
  ));
}

/** A member's role, changed as soon as another one is chosen. */
function RoleSelect({ member, done }: { member: StaffMember; done: () => void }) {
  const action = useAction();
  return (
    <>
      <label className="inline">
        <span className="sr-only">{t('staff.roleOf', { email: member.email })}</span>
        <select
          value={member.role}
          disabled={action.busy}
          onChange={(e) => void action.run(() => api('PATCH', `/staff/${member.id}`, { role: e.target.value })).then(done)}
        >
          <RoleOptions />
        </select>
      </label>
      <ActionError error={action.error} />
    </>
  );
}

function Invite({ locations, done }: { locations: Location[]; done: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [permissions, setPermissions] = useState<string[]>(['create', 'comment']);
  const [locationIds, setLocationIds] = useState<number[]>([]);
  const [link, setLink] = useState<string | null>(null);
  const toggle = <T,>(list: T[], value: T, on: boolean) => (on ? [...list, value] : list.filter((v) => v !== value));
  return (
    <ActionForm
      title={t('staff.invite')}
      submit={t('staff.inviteButton')}
      action={() => api<StaffInvited>('POST', '/staff', { email, name, role, permissions, locationIds })}
      done={(made) => {
        setLink(made.signInUrl);
        setEmail('');
        setName('');
        done();
      }}
      after={link && <ShownOnce label={t('staff.signInLink')} value={link} />}
    >
      <label>
        {t('staff.email')}
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        {t('staff.name')}
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('staff.role')}
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <RoleOptions />
        </select>
      </label>
      <fieldset>
        <legend>{t('staff.permissions')}</legend>
        {PERMISSIONS.map((p) => (
          <label key={p} className="choice">
            <input type="checkbox" checked={permissions.includes(p)} onChange={(e) => setPermissions(toggle(permissions, p, e.target.checked))} />
            {t(`permission.${p}`)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('staff.locations')}</legend>
        {locations.map((l) => (
          <label key={l.id} className="choice">
            <input type="checkbox" checked={locationIds.includes(l.id)} onChange={(e) => setLocationIds(toggle(locationIds, l.id, e.target.checked))} />
            {titleOf(l.title)}
          </label>
        ))}
      </fieldset>
    </ActionForm>
  );
}
