export type PlaygroundUser = { id: string; name: string; givenName: string; surname: string; email: string; aadObjectId: string };
export const TENANT_ID: string;
export const BOT: { id: string; name: string };
export const USERS: PlaygroundUser[];
export const TEAM: { id: string; name: string; aadGroupId: string; channel: { id: string; name: string } };
export const GROUP_CHAT: { id: string; name: string };
export function findUser(who: string): PlaygroundUser;
export function personalChatId(who: string): string;
export function configYaml(who?: string): string;
