// The members dialog of a workspace: who has access (and pending invitations), invite by email
// with a role, change a role, remove, resend or revoke an invitation.
import { api } from './api.js';
import { announce, confirmDialog, field, h, openDialog } from './dom.js';

const ROLES = [
  ['viewer', 'Viewer — reads'],
  ['editor', 'Editor — also changes records'],
  ['admin', 'Admin — also manages tables and members'],
];

function roleSelect(value, label) {
  return h('select', { 'aria-label': label },
    ROLES.map(([role, text]) => h('option', { value: role, selected: role === value }, text)));
}

export function openMembersDialog(workspace) {
  const base = `/workspaces/${workspace.id}`;
  const list = h('div', { class: 'members', id: 'members' }, h('p', { class: 'muted' }, 'Loading…'));
  const error = h('p', { class: 'form-error', role: 'alert', id: 'members-error' });
  const status = h('p', { class: 'success', role: 'status' });
  const email = h('input', { type: 'email', required: true, autocomplete: 'off', id: 'invite-email' });
  const role = roleSelect('editor', 'Role');
  role.id = 'invite-role';
  const invite = h('form', { class: 'invite-form', novalidate: true },
    field('Invite by email', email), field('Role', role),
    h('button', { type: 'submit', class: 'primary' }, 'Send invitation'));

  const act = async (what, fn) => {
    error.textContent = '';
    status.textContent = '';
    try {
      await fn();
      status.textContent = what;
      announce(what);
      await load();
    } catch (failure) {
      error.textContent = failure.message;
    }
  };

  const renderMembers = (members) => {
    if (!members.length) {
      list.replaceChildren(h('p', null, 'Nobody has access yet apart from the company administrators.'));
      return;
    }
    const body = h('tbody');
    for (const member of members) {
      const pending = member.status === 'pending';
      const who = member.email || `account ${member.accountId}`;
      const kind = pending ? 'Invitation pending' : member.external ? 'External' : 'Member';
      let roleCell;
      if (pending || member.role === 'owner') {
        roleCell = h('span', { class: `badge role-${member.role}` }, member.role);
      } else {
        const select = roleSelect(member.role, `Role of ${who}`);
        select.addEventListener('change', () => act(`${who} is now ${select.value}.`, () =>
          api('PATCH', `${base}/members/${member.accountId}`, { role: select.value })));
        roleCell = select;
      }
      const buttons = h('div', { class: 'buttons' });
      const actions = h('td', { class: 'row-actions' }, buttons);
      if (pending) {
        buttons.append(
          h('button', { type: 'button', onclick: () => act(`Invitation sent again to ${who}.`, () =>
            api('POST', `${base}/invitations/${member.invitationId}/resend`)) }, 'Resend'),
          h('button', { type: 'button', class: 'danger', onclick: () => act(`Invitation of ${who} revoked.`, () =>
            api('DELETE', `${base}/invitations/${member.invitationId}`)) }, 'Revoke'));
      } else if (member.role !== 'owner') {
        buttons.append(h('button', { type: 'button', class: 'danger', onclick: async () => {
          const ok = await confirmDialog({ title: 'Remove access?', message: `Remove ${who} from ${workspace.name}?` +
            (member.external ? ' An external user with no other workspace of your company leaves your Users table.' : ''),
          confirmLabel: 'Remove', danger: true });
          if (ok) await act(`${who} removed.`, () => api('DELETE', `${base}/members/${member.accountId}`));
        } }, 'Remove'));
      }
      const name = [member.firstName, member.lastName].filter(Boolean).join(' ');
      body.append(h('tr', { class: pending ? 'pending' : member.external ? 'external' : '',
        dataset: { email: member.email || '' } },
      h('td', null, who, name ? h('div', { class: 'muted' }, name) : null), h('td', null, kind), h('td', null, roleCell),
      actions));
    }
    list.replaceChildren(h('table', { class: 'members-table' },
      h('caption', { class: 'visually-hidden' }, `People with access to ${workspace.name}`),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Email'), h('th', { scope: 'col' }, 'Access'),
        h('th', { scope: 'col' }, 'Role'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      body));
  };

  const load = async () => {
    try {
      renderMembers(await api('GET', `${base}/members`));
    } catch (failure) {
      list.replaceChildren(h('p', { class: 'form-error' }, `The members could not be listed: ${failure.message}`));
    }
  };

  invite.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!email.checkValidity()) {
      error.textContent = `Email: ${email.validationMessage}`;
      email.focus();
      return;
    }
    const address = email.value.trim();
    act(`Invitation sent to ${address}.`, async () => {
      await api('POST', `${base}/invitations`, { email: address, role: role.value });
      email.value = '';
    });
  });

  openDialog({
    title: `Share ${workspace.name}`,
    className: 'members-dialog',
    content: [invite, error, status, h('h3', null, 'People with access'), list],
  });
  email.focus();
  load();
}
