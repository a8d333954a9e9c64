import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_OPEN_NOTIFICATIONS, createNotifier, type SystemNotification } from "./notifications.ts";

/** Stands in for Electron's Notification: records what happens to each one. */
class FakeNotification implements SystemNotification {
  state: "created" | "shown" | "closed" = "created";
  private readonly listeners = new Map<string, Array<() => void>>();
  constructor(readonly content: { title: string; body: string }) {}
  show() {
    this.state = "shown";
  }
  close() {
    this.state = "closed";
    this.emit("close");
  }
  on(event: "click" | "close", listener: () => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: "click" | "close") {
    for (const listener of this.listeners.get(event) ?? []) listener();
  }
}

function setup(options: { focused?: boolean; supported?: boolean } = {}) {
  const made: FakeNotification[] = [];
  const state = { focused: options.focused ?? false, focusCalls: 0 };
  const notifier = createNotifier({
    supported: () => options.supported ?? true,
    windowFocused: () => state.focused,
    create: (content) => {
      const notification = new FakeNotification(content);
      made.push(notification);
      return notification;
    },
    focusWindow: () => {
      state.focusCalls += 1;
    },
  });
  return { notifier, made, state };
}

test("shows a notification while the window is not focused", () => {
  const { notifier, made } = setup();
  assert.deepEqual(notifier.show({ tag: "chat-1", title: "Ann Lee", body: "Hello" }), { shown: true });
  assert.equal(made.length, 1);
  assert.deepEqual(made[0]?.content, { title: "Ann Lee", body: "Hello" });
  assert.equal(made[0]?.state, "shown");
});

test("shows nothing while the window has the focus, or where the system has no notifications", () => {
  const focused = setup({ focused: true });
  assert.deepEqual(focused.notifier.show({ tag: "chat-1", title: "Ann Lee", body: "Hello" }), { shown: false });
  assert.equal(focused.made.length, 0);
  const unsupported = setup({ supported: false });
  assert.deepEqual(unsupported.notifier.show({ tag: "chat-1", title: "Ann Lee", body: "Hello" }), { shown: false });
  assert.equal(unsupported.made.length, 0);
});

test("a newer notification of the same chat replaces the one on screen", () => {
  const { notifier, made } = setup();
  notifier.show({ tag: "chat-1", title: "Ann Lee", body: "Hello" });
  notifier.show({ tag: "chat-2", title: "Ben Okafor", body: "Hi" });
  notifier.show({ tag: "chat-1", title: "Ann Lee", body: "Are you there?" });
  assert.deepEqual(
    made.map((n) => [n.content.body, n.state]),
    [
      ["Hello", "closed"],
      ["Hi", "shown"],
      ["Are you there?", "shown"],
    ],
  );
});

test("clicking a notification brings the window forward", () => {
  const { notifier, made, state } = setup();
  notifier.show({ tag: "chat-1", title: "Ann Lee", body: "Hello" });
  made[0]?.emit("click");
  assert.equal(state.focusCalls, 1);
});

test(`at most ${MAX_OPEN_NOTIFICATIONS} at once: a flood closes the oldest`, () => {
  const { notifier, made } = setup();
  for (let i = 0; i < 100; i += 1) notifier.show({ tag: `chat-${i}`, title: "Spam", body: String(i) });
  const open = made.filter((n) => n.state === "shown").map((n) => n.content.body);
  assert.deepEqual(
    open,
    Array.from({ length: MAX_OPEN_NOTIFICATIONS }, (_, i) => String(100 - MAX_OPEN_NOTIFICATIONS + i)),
  );
});

test("a notification the user dismissed leaves room, and is not closed again", () => {
  const { notifier, made } = setup();
  notifier.show({ tag: "chat-1", title: "Ann Lee", body: "Hello" });
  const first = made[0];
  assert.ok(first);
  first.emit("close");
  let closes = 0;
  first.on("close", () => (closes += 1));
  notifier.show({ tag: "chat-1", title: "Ann Lee", body: "Again" });
  assert.equal(closes, 0);
});
