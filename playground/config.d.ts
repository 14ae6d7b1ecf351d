export type PlaygroundUser = {
  id: string;
  name: string;
  givenName: string;
  surname: string;
  email: string;
  aadObjectId: string;
  /** Set for people of the onboarding tenants (not the demo seed's). */
  tenantId?: string;
};
export const TENANT_ID: string;
export const FABRIKAM_TENANT_ID: string;
export const REVIEW_TENANT_ID: string;
export const ONBOARDING_USERS: PlaygroundUser[];
export const BOT: { id: string; name: string };
export const USERS: PlaygroundUser[];
export const TEAM: { id: string; name: string; aadGroupId: string; channel: { id: string; name: string } };
export const GROUP_CHAT: { id: string; name: string };
export function findUser(who: string): PlaygroundUser;
export function personalChatId(who: string): string;
export function configYaml(who?: string): string;
