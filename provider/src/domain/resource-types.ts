// Every resource type the provider serves, in one list: the doors serve these and know no type by name.
import { contactResource } from "./contact/contact-type";
import type { ResourceType } from "./resource-type";

/** The resource types, by plugin token. */
export const resourceTypes: readonly ResourceType[] = [contactResource];
