/**
 * The device registry as the operator fills it: `devices/{deviceId}` → tenant and subject. Device
 * readings name only the device, so a test registers one before it sends any.
 */
import { deviceDocSchema, firestore } from "@lifeline/model";
import { freshId, type Admin } from "./emulators.js";

/** Registers a fresh device id to `subjectId` of `tenantId` and returns the id. */
export async function registerDevice(
  admin: Admin,
  tenantId: string,
  subjectId: string,
  label = "Test watch",
): Promise<string> {
  const deviceId = freshId("device");
  await admin.firestore
    .doc(firestore.deviceDoc(deviceId))
    .set(deviceDocSchema.parse({ tenantId, subjectId, label, createdAt: Date.now() }));
  return deviceId;
}
