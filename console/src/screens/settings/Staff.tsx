import { useState } from 'react';
import { api } from '../../api';
import { ActionError, ConfirmButton, Form, ShowApi, ShownOnce, TableWrap, titleOf, useAction, useApiLoad } from '../../components/ui';
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
      <ShowApi loaded={loaded} retry={reload}>
        {({ staff }) => (
          <>
            <TableWrap>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('staff.name')}</th>
                    <th scope="col">{t('staff.email')}</th>
                    <th scope="col">{t('staff.role')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {staff.map((s) => (
                    <StaffRow key={s.id} member={s} done={reload} />
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <Invite locations={locationList} done={reload} />
          </>
        )}
      </ShowApi>
    </div>
  );
}

function StaffRow({ member, done }: { member: StaffMember; done: () => void }) {
  const action = useAction();
  return (
    <tr>
      <td>{member.name ?? '—'}</td>
      <td>{member.email}</td>
      <td>
        <label className="inline">
          <span className="sr-only">{t('staff.roleOf', { email: member.email })}</span>
          <select
            value={member.role}
            disabled={action.busy}
            onChange={(e) => void action.run(() => api('PATCH', `/staff/${member.id}`, { role: e.target.value })).then(done)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <ActionError error={action.error} />
      </td>
      <td>
        <ConfirmButton
          text={t('common.remove')}
          label={t('staff.removeNamed', { email: member.email })}
          question={t('staff.removeQuestion', { email: member.email })}
          confirm={t('common.remove')}
          action={() => api('DELETE', `/staff/${member.id}`)}
          done={done}
        />
      </td>
    </tr>
  );
}

function Invite({ locations, done }: { locations: Location[]; done: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [permissions, setPermissions] = useState<string[]>(['create', 'comment']);
  const [locationIds, setLocationIds] = useState<number[]>([]);
  const [link, setLink] = useState<string | null>(null);
  const action = useAction();
  const invite = async () => {
    const made = await action.run(() => api<StaffInvited>('POST', '/staff', { email, name, role, permissions, locationIds }));
    if (made) {
      setLink(made.signInUrl);
      setEmail('');
      setName('');
      done();
    }
  };
  const toggle = <T,>(list: T[], value: T, on: boolean) => (on ? [...list, value] : list.filter((v) => v !== value));
  return (
    <Form label={t('staff.invite')} className="card" onSubmit={() => void invite()}>
      <h3>{t('staff.invite')}</h3>
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
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
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
      <ActionError error={action.error} />
      <button type="submit" disabled={action.busy}>
        {t('staff.inviteButton')}
      </button>
      {link && <ShownOnce label={t('staff.signInLink')} value={link} />}
    </Form>
  );
}
