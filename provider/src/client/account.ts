// Read-only lists of a Callbell account: contacts page by page, teams, team members and
// channels. Typed, on the same transport as the contacts client (rate limit, retries,
// redaction); knows nothing about Pulumi.
import { z } from "zod";
import { answerShapeError } from "./errors";
import { CallbellHttp, HttpSettings, createHttp } from "./http";
import { ContactFilters, ContactSource, ContactsClient, ListedContact } from "./contacts";
import { dropUndefined } from "../normalize";
import { ListEnd, PageRead, maxPages } from "./paging";

// What the account's contact list answers with: its callers (the export) need no second import for it.
export type { ListedContact } from "./contacts";

/** A team as GET /teams returns it. */
export interface ApiTeam {
  uuid: string;
  name: string;
  default: boolean;
  createdAt?: string;
}

/** A channel as GET /channels returns it. */
export interface ApiChannel {
  uuid: string;
  title: string;
  type: string;
  main: boolean;
  /** Set when the channel was discarded. */
  discardedAt?: string;
}

/** A user of a team as GET /teams/:uuid/members returns it (Callbell gives no user uuid). */
export interface ApiTeamMember {
  email: string;
  name: string;
  available: boolean;
}

const meta = z.looseObject({ page: z.number().optional(), pages: z.number().optional() }).nullish();
const teamSchema = z.looseObject({ uuid: z.string(), name: z.string(), default: z.boolean().nullish(), createdAt: z.string().nullish() });
const channelSchema = z.looseObject({
  uuid: z.string(),
  title: z.string().nullish(),
  type: z.string(),
  main: z.boolean().nullish(),
  discardedAt: z.string().nullish(),
});
const memberSchema = z.looseObject({ email: z.string(), name: z.string().nullish(), available: z.boolean().nullish() });

/** The read-only account endpoints, typed. */
export class AccountClient {
  private readonly http: CallbellHttp;
  // GET /contacts has one reader, the contacts client's; on the same settings, it shares this client's rate gate.
  private readonly contacts: ContactsClient;

  constructor(settings: HttpSettings) {
    this.http = createHttp(settings);
    this.contacts = new ContactsClient(settings);
  }

  /**
   * GET /contacts?page=…: one page, every item a contact (an empty page is past the end). An item that is not fails
   * the page: a list that left a contact out would make an export that lacks it.
   */
  async listContacts(page: number, filters: ContactFilters = {}, includeFieldTypes = false): Promise<ListedContact[]> {
    const { contacts, notAContact } = await this.contacts.listPage(page, { ...filters, includeFieldTypes });
    if (notAContact) throw notAContact;
    return contacts;
  }

  /**
   * GET /contacts, every page, until an empty page or one shorter than the first (the page size is not documented),
   * reading up to pageLookAhead pages ahead; `onPage` hears each page read, in page order, with the count so far.
   */
  async listAllContacts(filters: ContactFilters = {}, includeFieldTypes = false, onPage?: (page: number, total: number) => void): Promise<ListedContact[]> {
    const all: ListedContact[] = [];
    await readPages(
      (page) => this.listContacts(page, filters, includeFieldTypes),
      (page, contacts) => {
        all.push(...contacts);
        if (contacts.length > 0) onPage?.(page, all.length);
        return { size: contacts.length };
      },
    );
    return all;
  }

  /** GET /teams, every page. */
  async listTeams(): Promise<ApiTeam[]> {
    const raw = await this.allPages("/teams", "teams");
    return raw.map((item, i) => {
      const t = parseItem(teamSchema, item, "/teams", `teams[${i}]`);
      return dropUndefined({ uuid: t.uuid, name: t.name, default: t.default === true, createdAt: t.createdAt ?? undefined });
    });
  }

  /** GET /channels, every page (optionally only one type). */
  async listChannels(type?: ContactSource): Promise<ApiChannel[]> {
    const raw = await this.allPages("/channels", "channels", { type });
    return raw.map((item, i) => {
      const c = parseItem(channelSchema, item, "/channels", `channels[${i}]`);
      return dropUndefined({ uuid: c.uuid, title: c.title ?? "", type: c.type, main: c.main === true, discardedAt: c.discardedAt ?? undefined });
    });
  }

  /** GET /teams/:uuid/members, every page. */
  async listTeamMembers(teamUuid: string): Promise<ApiTeamMember[]> {
    const path = `/teams/${encodeURIComponent(teamUuid)}/members`;
    const raw = await this.allPages(path, "users");
    return raw.map((item, i) => {
      const m = parseItem(memberSchema, item, path, `users[${i}]`);
      return { email: m.email, name: m.name ?? "", available: m.available !== false };
    });
  }

  private async allPages(path: string, key: string, query: Record<string, string | undefined> = {}): Promise<unknown[]> {
    const items: unknown[] = [];
    await readPages(
      (page) => this.http.send({ method: "GET", path, query: { ...query, page: String(page) } }),
      (_page, answer) => {
        const list = listOf(answer.body, key, "GET", path, answer.status);
        items.push(...list);
        const pages = meta.safeParse((answer.body as Record<string, unknown>).meta);
        return { size: list.length, lastPage: pages.success ? pages.data?.pages : undefined };
      },
    );
    return items;
  }
}

/**
 * How many pages a list reads ahead of the one it waits for. Callbell documents neither a page count nor a page size, so
 * a list ends at the first short or empty page, and the pages requested past it are wasted: at most pageLookAhead - 1.
 */
export const pageLookAhead = 4;

// The paging loop of the account's lists: pages from 1 until the list ends (ListEnd, paging.ts). `fetch` may run ahead
// of the page being read (page 1 alone, then 2 pages ahead, then pageLookAhead), `take` sees the answers in page order.
// An error is the first failing page's that the list reaches, as when pages were read one by one: a page requested
// past the end does not count. Every request has settled when it returns, so nothing goes on behind the caller's back.
async function readPages<T>(fetch: (page: number) => Promise<T>, take: (page: number, answer: T) => PageRead): Promise<void> {
  const end = new ListEnd();
  const pending = new Map<number, Promise<T>>();
  let requested = 0;
  const requestUpTo = (last: number) => {
    for (; requested < Math.min(last, maxPages);) {
      const answer = fetch(++requested);
      // Handled here so a page never reached is not an unhandled rejection; the loop still awaits the original.
      answer.catch(() => undefined);
      pending.set(requested, answer);
    }
  };
  try {
    requestUpTo(1);
    for (let page = 1; ; page++) {
      const answer = await pending.get(page)!;
      pending.delete(page);
      const read = take(page, answer);
      if (end.isLast(page, read)) return;
      requestUpTo(Math.min(page + Math.min(pageLookAhead, 2 ** page), read.lastPage ?? maxPages));
    }
  } finally {
    await Promise.allSettled(pending.values());
  }
}

function listOf(body: unknown, key: string, method: string, path: string, status: number): unknown[] {
  const list = body && typeof body === "object" ? (body as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(list)) throw answerShapeError(method, path, status, `no '${key}' list in the answer`);
  return list;
}

function parseItem<T extends z.ZodType>(schema: T, item: unknown, path: string, where: string): z.infer<T> {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw answerShapeError("GET", path, 200, `${where}.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "wrong shape"}`);
}
