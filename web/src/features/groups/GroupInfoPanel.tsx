import type { GroupCard, GroupChat, GroupMember, GroupSettings } from "@easyqr/protocol";
import { useAtomValue, useSetAtom } from "jotai";
import { useId, useRef, useState, type FormEvent } from "react";
import { errorMessage, errorText } from "../../api/errorText.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { InfoSection, InfoSheet } from "../../components/InfoSheet.tsx";
import { useNow } from "../../components/useNow.ts";
import { displayName } from "../chat/messageText.ts";
import { chatsAtom } from "../chat/state.ts";
import { contactsAtom } from "../contacts/state.ts";
import { avatarFileProblem } from "../profile/avatarFile.ts";
import { appStore, userAtom } from "../session/state.ts";
import { applyEvent } from "../chat/chatState.ts";
import { InviteSection } from "./InviteSection.tsx";
import { PeoplePicker, toggled } from "./PeoplePicker.tsx";
import { groupInfosAtom, groups, membersMark, useGroupInfo } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

type Confirm = { kind: "leave" } | { kind: "remove"; member: GroupMember };

/**
 * A group's info in a side sheet, as the contact info is for a person: photo, name, description,
 * the members with their roles; for admins the member actions, settings, the invite QR and the
 * join requests; Leave group for everyone, asked first.
 */
export function GroupInfoPanel({ chat, onClose }: { chat: GroupChat; onClose: () => void }) {
  const id = useId();
  const me = useAtomValue(userAtom);
  const contacts = useAtomValue(contactsAtom);
  const pending = useAtomValue(chatsAtom)?.joinRequests[chat.id] ?? 0;
  const setInfos = useSetAtom(groupInfosAtom);
  const info = useGroupInfo(chat);
  const now = useNow(60_000);
  const [confirm, setConfirm] = useState<Confirm>();
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const [openMember, setOpenMember] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const { group, role } = chat;
  const admin = role === "admin";
  const canEdit = admin || (role === "member" && !group.settings.onlyAdminsEdit);

  const act = async (run: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await run();
      return true;
    } catch (failure) {
      setError(errorMessage(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };
  // A setting shows its new value at once; the card the server answers (or the error) settles it.
  const [draft, setDraft] = useState<Partial<GroupSettings>>({});
  const settings = { ...group.settings, ...draft };
  const changeSettings = (change: Partial<GroupSettings>) => {
    setDraft((d) => ({ ...d, ...change }));
    void act(async () => showCard(chat.id, await groups.update(chat.id, { settings: change }))).finally(() => setDraft({}));
  };
  const memberAction = (run: () => Promise<void>) => {
    setOpenMember(undefined);
    void act(run);
  };

  const membersLine = `${group.memberCount} ${group.memberCount === 1 ? "member" : "members"}`;
  return (
    <>
      <InfoSheet
        heading="Group info"
        subject={{ name: group.name, username: null, avatar: group.avatar }}
        name={group.name}
        subtitle={`Group · ${membersLine}`}
        idBase={id}
        onClose={onClose}
        dismissable={!confirm}
        testId="group-info"
      >
        {editing ? (
          <EditGroup chat={chat} onDone={() => setEditing(false)} />
        ) : (
          <>
            {group.description ? (
              <InfoSection title="Description">
                <p className="profile-card__bio">{group.description}</p>
              </InfoSection>
            ) : null}
            {canEdit ? (
              <div className="info-sheet__actions">
                <button type="button" className="button button--ghost" onClick={() => setEditing(true)}>
                  Edit name, photo and description
                </button>
              </div>
            ) : null}
          </>
        )}
        {role === null ? (
          <p className="info-sheet__muted" role="status">
            You are no longer a member of this group. You keep its messages up to when you left.
          </p>
        ) : (
          <InfoSection title={membersLine}>
            {admin ? (
              adding ? (
                <AddMembers chatId={chat.id} already={new Set(info?.members.map((m) => m.user.id))} onDone={() => setAdding(false)} />
              ) : (
                <button type="button" className="button button--ghost" onClick={() => setAdding(true)}>
                  Add members
                </button>
              )
            ) : null}
            {info ? (
              <ul className="group-members" data-testid="group-members">
                {info.members.map((m) => {
                  const mine = m.user.id === me?.id;
                  const name = mine ? "You" : displayName(contacts?.connections.find((c) => c.user.id === m.user.id)?.user ?? m.user);
                  const open = openMember === m.user.id;
                  return (
                    <li key={m.user.id} className="group-member" data-testid="group-member">
                      <Avatar user={m.user} size={36} />
                      <span className="group-member__name">{name}</span>
                      {m.role === "admin" ? <span className="group-member__badge">Admin</span> : null}
                      {admin && !mine ? (
                        <span className="group-member__actions">
                          <button
                            type="button"
                            className="button button--ghost button--small"
                            aria-expanded={open}
                            aria-label={`Actions for ${name}`}
                            onClick={() => setOpenMember(open ? undefined : m.user.id)}
                          >
                            ⋯
                          </button>
                        </span>
                      ) : null}
                      {open ? (
                        <span className="group-member__menu" role="group" aria-label={`Actions for ${name}`}>
                          {m.role === "admin" ? (
                            <button
                              type="button"
                              className="button button--ghost button--small"
                              onClick={() => memberAction(() => groups.unmakeAdmin(chat.id, m.user.id))}
                            >
                              Dismiss as admin
                            </button>
                          ) : (
                            <button
                              type="button"
                              className="button button--ghost button--small"
                              onClick={() => memberAction(() => groups.makeAdmin(chat.id, m.user.id))}
                            >
                              Make admin
                            </button>
                          )}
                          <button type="button" className="button button--danger button--small" onClick={() => setConfirm({ kind: "remove", member: m })}>
                            Remove from group
                          </button>
                        </span>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            ) : (
              <p className="info-sheet__muted">Loading members…</p>
            )}
          </InfoSection>
        )}
        {admin ? <InviteSection chatId={chat.id} groupName={group.name} pending={pending} now={now} /> : null}
        {admin ? (
          <InfoSection title="Group settings">
            <label className="toggle-row">
              <input
                type="checkbox"
                checked={settings.onlyAdminsSend}
                disabled={busy}
                onChange={(e) => changeSettings({ onlyAdminsSend: e.currentTarget.checked })}
              />
              <span>Only admins can send messages</span>
            </label>
            <label className="toggle-row">
              <input
                type="checkbox"
                checked={settings.onlyAdminsEdit}
                disabled={busy}
                onChange={(e) => changeSettings({ onlyAdminsEdit: e.currentTarget.checked })}
              />
              <span>Only admins can edit the group info</span>
            </label>
          </InfoSection>
        ) : null}
        <FormError message={error} />
        {role !== null ? (
          <div className="info-sheet__actions">
            <button type="button" className="button button--danger" disabled={busy} onClick={() => setConfirm({ kind: "leave" })}>
              Leave group
            </button>
          </div>
        ) : null}
      </InfoSheet>
      {confirm?.kind === "leave" ? (
        <ConfirmDialog
          title={`Leave “${group.name}”?`}
          body="You keep its messages up to now and get nothing after. To come back, someone has to add or invite you."
          confirmLabel="Leave group"
          onCancel={() => setConfirm(undefined)}
          onConfirm={() => {
            setConfirm(undefined);
            void act(() => groups.leave(chat.id)).then((left) => {
              if (!left) return;
              setInfos((all) => ({
                ...all,
                [chat.id]: { info: { ...(info ?? { chatId: chat.id, group, pendingRequests: 0 }), members: [] }, mark: membersMark(chat) },
              }));
              onClose();
            });
          }}
        />
      ) : confirm?.kind === "remove" ? (
        <ConfirmDialog
          title={`Remove ${displayName(confirm.member.user)} from the group?`}
          body="They keep the messages up to now and get nothing after."
          confirmLabel="Remove"
          onCancel={() => setConfirm(undefined)}
          onConfirm={() => {
            const { member } = confirm;
            setConfirm(undefined);
            memberAction(() => groups.removeMember(chat.id, member.user.id));
          }}
        />
      ) : null}
    </>
  );
}

/** A card the server answered a change with, shown at once (GROUP_UPDATED brings the same to every member). */
function showCard(chatId: string, group: GroupCard): void {
  const state = appStore.get(chatsAtom);
  if (state) appStore.set(chatsAtom, applyEvent(state, { type: "GROUP_UPDATED", chatId, group }));
}

/** Admins add more of their connections. */
function AddMembers({ chatId, already, onDone }: { chatId: string; already: ReadonlySet<string>; onDone: () => void }) {
  const contacts = useAtomValue(contactsAtom);
  const setInfos = useSetAtom(groupInfosAtom);
  const filterBox = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const add = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const info = await groups.addMembers(chatId, [...chosen]);
      setInfos((all) => ({ ...all, [chatId]: { info, mark: all[chatId]?.mark ?? "" } }));
      onDone();
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };
  return (
    <div className="group-add" data-testid="add-members">
      <PeoplePicker
        connections={contacts?.connections ?? []}
        chosen={chosen}
        already={already}
        onToggle={(userId) => setChosen((c) => toggled(c, userId))}
        label="People to add"
        filterRef={filterBox}
      />
      <FormError message={error} />
      <div className="info-sheet__actions">
        <button type="button" className="button button--ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="button button--primary" disabled={busy || chosen.size === 0} onClick={() => void add()}>
          {chosen.size > 1 ? `Add ${chosen.size} people` : "Add"}
        </button>
      </div>
    </div>
  );
}

/** Name, description and photo, for whoever may edit them. */
function EditGroup({ chat, onDone }: { chat: GroupChat; onDone: () => void }) {
  const id = useId();
  const [name, setName] = useState(chat.group.name);
  const [description, setDescription] = useState(chat.group.description ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (work: () => Promise<unknown>, done = false) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      if (done) onDone();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === "") return setError("A group needs a name.");
    const change = {
      ...(name.trim() !== chat.group.name ? { name: name.trim() } : {}),
      ...(description.trim() !== (chat.group.description ?? "") ? { description: description.trim() || null } : {}),
    };
    if (Object.keys(change).length === 0) return onDone();
    void run(async () => showCard(chat.id, await groups.update(chat.id, change)), true);
  };
  return (
    <form className="info-sheet__section group-edit" onSubmit={save} noValidate aria-label="Edit the group">
      <div className="field">
        <label htmlFor={`${id}-name`}>Group name</label>
        <input id={`${id}-name`} value={name} maxLength={100} onChange={(e) => setName(e.currentTarget.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea id={`${id}-description`} value={description} maxLength={512} rows={3} onChange={(e) => setDescription(e.currentTarget.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-photo`}>New photo</label>
        <input
          id={`${id}-photo`}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          disabled={busy}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = "";
            if (!file) return;
            const problem = avatarFileProblem(file);
            if (problem) return setError(errorText(problem));
            void run(async () => showCard(chat.id, await groups.setPhoto(chat.id, file)));
          }}
        />
      </div>
      <FormError message={error} />
      <div className="info-sheet__actions">
        {chat.group.avatar ? (
          <button
            type="button"
            className="button button--ghost"
            disabled={busy}
            onClick={() => void run(async () => showCard(chat.id, await groups.removePhoto(chat.id)))}
          >
            Remove photo
          </button>
        ) : null}
        <button type="button" className="button button--ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  );
}
