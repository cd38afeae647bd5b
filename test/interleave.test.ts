/** The forced-interleaving hook itself (test/interleave.ts): a held batch waits, a crash lands nothing. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sql } from "./helpers";
import { InjectedCrash, interleave } from "./interleave";

describe("interleave hook", () => {
  it("holds a matching batch until released, while another write lands", async () => {
    await env.DB.prepare("create table if not exists hook_probe (v text)").run();
    const hook = interleave(env.DB);
    const held = hook.hold(/insert into hook_probe/);
    const first = hook.d1.batch([hook.d1.prepare("insert into hook_probe (v) values (?)").bind("first")]);
    await held.reached;
    expect(held.hit).toBe(true);
    await env.DB.prepare("insert into hook_probe (v) values ('second')").run();
    held.release();
    await first;
    expect((await sql<{ v: string }>("select v from hook_probe order by rowid")).map((r) => r.v)).toEqual([
      "second",
      "first",
    ]);
    expect(hook.batches).toEqual([["insert into hook_probe (v) values (?)"]]);
  });

  it("a crash before the batch lands nothing; after it, the batch landed", async () => {
    await env.DB.prepare("create table if not exists hook_crash (v text)").run();
    const hook = interleave(env.DB);
    hook.crash("hook_crash");
    // Only batches are hooked: a lone statement goes through.
    await hook.d1.prepare("insert into hook_crash (v) values ('unused')").run();
    await expect(hook.d1.batch([hook.d1.prepare("insert into hook_crash (v) values ('x')")])).rejects.toBeInstanceOf(
      InjectedCrash,
    );
    hook.crash("hook_crash", { after: true });
    await expect(hook.d1.batch([hook.d1.prepare("insert into hook_crash (v) values ('y')")])).rejects.toBeInstanceOf(
      InjectedCrash,
    );
    expect((await sql<{ v: string }>("select v from hook_crash order by rowid")).map((r) => r.v)).toEqual([
      "unused",
      "y",
    ]);
  });
});
