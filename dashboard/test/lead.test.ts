import { expect } from "chai";
import { LEAD_LABELS } from "@lifeline/model";
import { leadLabel, leadWords } from "../src/logic/lead.js";

describe("leadWords", () => {
  it("gives the defaults when the tenant chose no words", () => {
    expect(leadWords({})).to.deep.equal({
      open: "Open",
      callback: "Callback needed",
      resolved: "Resolved",
      referred: "Referred",
    });
  });

  it("lays the tenant's words over the defaults, status by status", () => {
    expect(leadWords({ callback: "Call back today", referred: "Sent to the GP" })).to.deep.equal({
      open: "Open",
      callback: "Call back today",
      resolved: "Resolved",
      referred: "Sent to the GP",
    });
  });

  it("keeps the default where the tenant's word is blank", () => {
    expect(leadWords({ open: "   ", resolved: " Safe " })).to.deep.include({
      open: "Open",
      resolved: "Safe",
    });
  });

  it("leaves the defaults themselves unchanged", () => {
    leadWords({ open: "New" });
    expect(LEAD_LABELS.open).to.equal("Open");
  });
});

describe("leadLabel", () => {
  it("names a status in the tenant's words, else the default", () => {
    const words = leadWords({ callback: "Call back today" });
    expect(leadLabel("callback", words)).to.equal("Call back today");
    expect(leadLabel("resolved", words)).to.equal("Resolved");
    expect(leadLabel("callback")).to.equal("Callback needed");
  });

  it("names an id of the earlier list as such, whatever the tenant's words", () => {
    expect(leadLabel("qualified", leadWords({ open: "New" }))).to.equal("qualified (earlier list)");
  });
});
