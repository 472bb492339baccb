// A test member whose app behaves like Element today: matrix-js-sdk with its Rust crypto, its
// own device cross-signed, and devices their owner has not signed excluded
// (OnlySignedDevicesIsolationMode, MSC4153). Driven by the Python tests over JSON lines:
// stdin  {"id": 1, "op": "start", ...}        stdout {"id": 1, "ok": true, "result": ...}
// Everything the SDK logs goes to stderr, so stdout carries only answers.
import "fake-indexeddb/auto";
import readline from "node:readline";

if (!Promise.withResolvers) {  // Node 20; Node 22 has it
    Promise.withResolvers = function () {
        let resolve, reject;
        const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
        return { promise, resolve, reject };
    };
}
for (const name of ["log", "info", "debug", "warn"]) console[name] = console.error;

const sdk = await import("matrix-js-sdk");
const { logger } = await import("matrix-js-sdk/lib/logger.js");
const { OnlySignedDevicesIsolationMode } = await import("matrix-js-sdk/lib/crypto-api/index.js");
logger.setLevel(process.env.ELEMENT_MEMBER_DEBUG ? "debug" : "error");

let client = null;
const events = new Map();  // event id -> MatrixEvent, in the order seen

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

async function until(find, timeoutMs) {
    const deadline = Date.now() + (timeoutMs ?? 30000);
    for (;;) {
        const found = await find();
        if (found) return found;
        if (Date.now() > deadline) throw new Error("timed out");
        await sleep(100);
    }
}

async function describe(ev) {
    const info = ev.isEncrypted() ? await client.getCrypto().getEncryptionInfoForEvent(ev) : null;
    return {
        event_id: ev.getId(), room_id: ev.getRoomId(), sender: ev.getSender(), type: ev.getType(),
        content: ev.getContent(), encrypted: ev.isEncrypted(),
        decryption_failure: ev.isDecryptionFailure() ? String(ev.decryptionFailureReason) : null,
        shield: info ? info.shieldColour : null, shield_reason: info ? info.shieldReason : null,
    };
}

function relation(ev) { return ev.getContent()["m.relates_to"] || ev.getWireContent()["m.relates_to"] || {}; }

const ops = {
    async start({ base_url, user_id, password, access_token, device_id }) {
        client = sdk.createClient({ baseUrl: base_url, userId: user_id, accessToken: access_token,
                                    deviceId: device_id });
        await client.initRustCrypto({ useIndexedDB: false });
        const crypto = client.getCrypto();
        await crypto.bootstrapCrossSigning({
            setupNewCrossSigning: true,
            authUploadDeviceSigningKeys: (makeRequest) => makeRequest({
                type: "m.login.password", identifier: { type: "m.id.user", user: user_id }, password,
            }),
        });
        crypto.setDeviceIsolationMode(new OnlySignedDevicesIsolationMode());
        client.on(sdk.RoomEvent.Timeline, (ev) => { events.set(ev.getId(), ev); });
        const prepared = new Promise((resolve) => client.once(sdk.ClientEvent.Sync, resolve));
        await client.startClient({ initialSyncLimit: 0 });
        await prepared;
        // The signature on our own device shows once the server has our device keys.
        const own = await until(async () => {
            await crypto.getUserDeviceInfo([user_id], true);
            const status = await crypto.getDeviceVerificationStatus(user_id, device_id);
            return status?.signedByOwner ? status : null;
        }, 20000).catch(() => null);
        return { device_id, signed_by_owner: Boolean(own) };
    },

    async create_room({ invite, is_direct, encrypted, alias, power_users }) {
        const initial_state = encrypted
            ? [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }]
            : [];
        const options = { invite, is_direct, initial_state,
                          preset: is_direct ? "trusted_private_chat" : "private_chat" };
        if (alias) options.room_alias_name = alias;
        if (power_users) options.power_level_content_override = { users: power_users };
        const { room_id } = await client.createRoom(options);
        await until(() => client.getRoom(room_id));
        return room_id;
    },

    async join({ room_id }) { await client.joinRoom(room_id); return null; },

    async wait_joined({ room_id, user_id, timeout_ms }) {
        await until(() => client.getRoom(room_id)?.getMember(user_id)?.membership === "join",
                    timeout_ms);
        return null;
    },

    async send({ room_id, body }) {
        const { event_id } = await client.sendMessage(room_id, { msgtype: "m.text", body });
        return event_id;
    },

    async react({ room_id, event_id, key }) {
        const content = { "m.relates_to": { rel_type: "m.annotation", event_id, key } };
        const sent = await client.sendEvent(room_id, "m.reaction", content);
        return sent.event_id;
    },

    // The first event (in the order seen) that is a reply to / relation of / the given event.
    async wait_event({ reply_to, relates_to, rel_type, event_id, sender, contains, timeout_ms }) {
        const ev = await until(() => {
            for (const candidate of events.values()) {
                if (candidate.isBeingDecrypted && candidate.isBeingDecrypted()) continue;
                const rel = relation(candidate);
                if (event_id && candidate.getId() !== event_id) continue;
                if (sender && candidate.getSender() !== sender) continue;
                if (reply_to && rel["m.in_reply_to"]?.event_id !== reply_to) continue;
                if (relates_to && rel.event_id !== relates_to) continue;
                if (rel_type && rel.rel_type !== rel_type) continue;
                if (contains && !JSON.stringify(candidate.getContent()).includes(contains)) continue;
                return candidate;
            }
            return null;
        }, timeout_ms);
        return await describe(ev);
    },

    async events({ room_id }) {
        const found = [];
        for (const ev of events.values()) if (ev.getRoomId() === room_id) found.push(await describe(ev));
        return found;
    },

    async trust({ user_id, device_id }) {
        const crypto = client.getCrypto();
        await crypto.getUserDeviceInfo([user_id], true);
        const user = await crypto.getUserVerificationStatus(user_id);
        const device = await crypto.getDeviceVerificationStatus(user_id, device_id);
        return { known: user.known, needs_user_approval: user.needsUserApproval,
                 signed_by_owner: device?.signedByOwner ?? false };
    },

    async stop() { client?.stopClient(); setTimeout(() => process.exit(0), 50); return null; },
};

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", async (line) => {
    const { id, op, ...args } = JSON.parse(line);
    try {
        const result = await ops[op](args);
        process.stdout.write(JSON.stringify({ id, ok: true, result }) + "\n");
    } catch (err) {
        process.stdout.write(JSON.stringify({ id, ok: false, error: String(err?.stack || err) }) + "\n");
    }
});
lines.on("close", () => { client?.stopClient(); process.exit(0); });
