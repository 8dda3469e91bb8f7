import { addDays, ByReasonOf, type DemoScenario, ProximateCause, spoken, witness } from "./demo-scenario.js";

/**
 * Demo cases the reviewers have to weigh: a condition that existed before service (aggravated or not), a
 * member's own misconduct, a deviation from the route home on which the wing JA does not concur, and the
 * two cases on which the appointing authority directs a formal investigation.
 */
export const contestedScenarios: readonly DemoScenario[] = [
  {
    key: "cargo-back-epts-aggravated",
    formal: false,
    content: (f) => ({
      incident: "Lower back strain pushing a cargo pallet, aggravating an old disc condition",
      memberDutyStatus: "inactive_duty_training",
      technician: {
        natureOfEvent: "injury",
        eventDetails: `Sharp low back pain spreading to the left leg while pushing a loaded cargo pallet onto the loader with two other aerial porters on ${spoken(f.eventDate)}.`,
        treatmentFacility: f.base.clinic,
        treatmentFacilityType: "military",
        treatmentDate: f.eventDate,
        icd10Code: "S39.012",
        seventhCharacter: "A",
        diagnosisText:
          "Strain of the muscles and tendons of the lower back, on pre-existing L4-L5 degenerative disc disease",
        deathInvolved: false,
        motorVehicleAccident: false,
        alcoholTestDone: false,
        drugTestDone: false,
        otherTests: "Lumbar MRI: L4-L5 disc degeneration with a new small left paracentral protrusion",
        otherTestsDate: addDays(f.eventDate, 2),
      },
      officer: {
        psychiatricEvaluation: false,
        existedPriorToService: true,
        serviceAggravated: true,
        mobilityStandardsMet: false,
        medicalOfficerComments:
          "Civilian records show L4-L5 disc disease treated with physical therapy in 2019, before this period of duty and stable since. The new protrusion and leg symptoms after the push show aggravation beyond natural progression. 90-day profile; fitness-for-duty review if not resolved.",
      },
      unit: {
        dutyStatus: "inactive_duty_training",
        dutyFrom: f.eventDate,
        dutyTo: addDays(f.eventDate, 1),
        onOrders: false,
        activated: false,
        informationSource: "member",
        circumstances: `${f.member}, an aerial porter with the ${f.unitName}, was building up pallets for an exercise load at ${f.base.name} during the UTA on ${spoken(f.eventDate)}. The roller conveyor was out of service, so the load team pushed the pallet by hand as the team chief directed. The member reported the pain at once and was seen at the clinic that afternoon; the earlier back treatment had been declared at the last periodic health assessment.`,
        witnesses: [
          witness(
            f.people[0],
            "Load team chief. The conveyor was down and I had three of us push the pallet. The member stopped halfway and said their back had gone.",
          ),
          witness(
            f.people[3],
            "Aerial porter on the same pallet. The load was heavy; the member was pushing from the left corner.",
          ),
        ],
        proximateCauseId: ProximateCause.WorkplaceAccident,
        memberCredible: true,
        travelOccurrence: "not_travelling",
        proofOfStatusVerified: true,
      },
      findings: {
        unitCommander: {
          finding: "EPTS-SA",
          byReasonOfId: ByReasonOf.PreExisting,
          explanation: "Back condition from before this duty, made worse by the lift on duty.",
        },
        wingJa: {
          concur: true,
          explanation:
            "Legally sufficient; the medical officer's aggravation opinion rests on the civilian records and the MRI.",
        },
        wingCommander: {
          finding: "EPTS-SA",
          concur: true,
          byReasonOfId: ByReasonOf.PreExisting,
          explanation: "Concur: existed prior to service, service aggravated.",
        },
        boardTechnician: {
          finding: "EPTS-SA",
          concur: true,
          byReasonOfId: ByReasonOf.PreExisting,
          explanation: "Civilian physical therapy records of 2019 and the new MRI attached.",
        },
        boardMedical: {
          finding: "EPTS-SA",
          concur: true,
          byReasonOfId: ByReasonOf.PreExisting,
          explanation:
            "Permanent aggravation: a new protrusion on MRI with radiculopathy, beyond the natural course.",
        },
        boardLegal: {
          finding: "EPTS-SA",
          concur: true,
          byReasonOfId: ByReasonOf.PreExisting,
          explanation: "Legally sufficient.",
        },
        approvingAuthority: {
          finding: "ILOD",
          concur: true,
          byReasonOfId: ByReasonOf.Injury,
          explanation:
            "A condition that existed before service and was permanently aggravated by duty is in line of duty.",
        },
      },
    }),
  },
  {
    key: "alcohol-balcony-fall",
    formal: true,
    content: (f) => ({
      incident: "Head injury in a fall from a lodging walkway after drinking, off duty on annual tour",
      memberDutyStatus: "ad_30_days_or_less",
      technician: {
        natureOfEvent: "injury",
        eventDetails: `Found at 0110 on ${spoken(f.eventDate)} below the second-floor walkway of the temporary lodging at ${f.base.name}, smelling of alcohol, with a scalp wound and confusion; friends reported a brief loss of consciousness.`,
        treatmentFacility: f.base.hospital,
        treatmentFacilityType: "civilian",
        treatmentDate: f.eventDate,
        icd10Code: "S06.0X1",
        seventhCharacter: "A",
        diagnosisText: "Concussion with brief loss of consciousness; scalp laceration",
        deathInvolved: false,
        motorVehicleAccident: false,
        alcoholTestDone: true,
        alcoholTestResult: "Blood alcohol 0.14 g/dL, drawn in the emergency department at 0155",
        drugTestDone: true,
        drugTestResult: "Urine drug screen negative",
        otherTests: "CT head: no intracranial bleeding",
        otherTestsDate: f.eventDate,
      },
      officer: {
        psychiatricEvaluation: true,
        psychiatricEvaluationDate: addDays(f.eventDate, 2),
        existedPriorToService: false,
        mobilityStandardsMet: true,
        medicalOfficerComments:
          "Concussion symptoms resolved within ten days. Mental health screening referred the member to the alcohol and drug abuse prevention and treatment programme. The blood alcohol level explains the fall.",
      },
      unit: {
        dutyStatus: "annual_training",
        dutyFrom: addDays(f.eventDate, -6),
        dutyTo: addDays(f.eventDate, 8),
        onOrders: true,
        activated: false,
        informationSource: "police_report",
        circumstances: `${f.member} was on annual tour with the ${f.unitName} at ${f.base.name} and off duty after the day's schedule ended at 1630. The security forces report says the member spent the evening at an off-base bar with friends and came back to lodging at about 0030. Two witnesses saw the member sit on the walkway railing, lose balance and fall about 12 feet. The member says they slipped on the wet walkway and had only two beers.`,
        witnesses: [
          witness(
            f.people[0],
            `We got back from the bar around half past midnight. ${f.member} had had a lot to drink, sat up on the railing and went over backwards.`,
          ),
          witness(
            f.people[1],
            "I was on the walkway outside my room. The airman was sitting on the rail, laughing, then tipped back. The walkway was dry.",
          ),
        ],
        proximateCauseId: ProximateCause.AlcoholOrDrugs,
        memberCredible: false,
        travelOccurrence: "not_travelling",
        proofOfStatusVerified: true,
      },
      findings: {
        unitCommander: {
          finding: "FORMAL",
          explanation:
            "Alcohol involved (0.14 g/dL) and the member's account conflicts with two witnesses: a formal investigation should establish whether misconduct was the proximate cause.",
        },
        wingJa: {
          concur: true,
          explanation: "Concur: a finding of misconduct requires a formal investigation.",
        },
        wingCommander: {
          finding: "FORMAL",
          concur: true,
          explanation: `Formal investigation directed; ${f.people[2].name} appointed investigating officer.`,
        },
        boardTechnician: {
          finding: "NILOD-MISCONDUCT",
          concur: true,
          byReasonOfId: ByReasonOf.Misconduct,
          explanation:
            "The investigating officer's report finds that voluntary intoxication was the proximate cause of the fall, off duty.",
        },
        boardLegal: {
          finding: "NILOD-MISCONDUCT",
          concur: true,
          byReasonOfId: ByReasonOf.Misconduct,
          explanation:
            "Legally sufficient: the evidence shows intoxication as the proximate cause; the member was notified and answered in writing.",
        },
        approvingAuthority: {
          finding: "NILOD-MISCONDUCT",
          concur: true,
          byReasonOfId: ByReasonOf.Misconduct,
          explanation: "Not in line of duty, due to the member's own misconduct.",
        },
      },
    }),
  },
  {
    key: "epts-knee",
    formal: false,
    content: (f) => ({
      incident: "Right knee pain on the UTA fitness run, traced to a meniscus tear from before enlistment",
      memberDutyStatus: "inactive_duty_training",
      technician: {
        natureOfEvent: "disease",
        eventDetails: `Right knee pain and locking after the 1.5-mile run of the fitness assessment on ${spoken(f.eventDate)}; no fall or twist reported.`,
        treatmentFacility: f.base.clinic,
        treatmentFacilityType: "military",
        treatmentDate: f.eventDate,
        icd10Code: "M23.221",
        diagnosisText:
          "Derangement of the posterior horn of the medial meniscus due to an old tear, right knee",
        deathInvolved: false,
        motorVehicleAccident: false,
        alcoholTestDone: false,
        drugTestDone: false,
        otherTests:
          "MRI right knee: chronic degenerative tear of the posterior horn of the medial meniscus, no bone bruise or effusion",
        otherTestsDate: addDays(f.eventDate, 2),
      },
      officer: {
        psychiatricEvaluation: false,
        existedPriorToService: true,
        serviceAggravated: false,
        mobilityStandardsMet: true,
        medicalOfficerComments:
          "Arthroscopic meniscus surgery at age 17, before enlistment (civilian operative note on file). MRI shows chronic changes only: the run brought on symptoms of the old condition without changing its course.",
      },
      unit: {
        dutyStatus: "inactive_duty_training",
        dutyFrom: f.eventDate,
        dutyTo: addDays(f.eventDate, 1),
        onOrders: false,
        activated: false,
        informationSource: "medical_records",
        circumstances: `${f.member} ran the 1.5-mile component of the fitness assessment on the base track at ${f.base.name} during the UTA on ${spoken(f.eventDate)}, scheduled and monitored by the fitness assessment cell. The member finished the run and then reported knee pain and locking to the monitor.`,
        witnesses: [
          witness(
            f.people[3],
            "Fitness assessment monitor. The member ran the whole distance at an even pace, no stumble. Reported the knee after the finish.",
          ),
        ],
        proximateCauseId: ProximateCause.PreExisting,
        memberCredible: true,
        travelOccurrence: "not_travelling",
        proofOfStatusVerified: true,
      },
      findings: {
        unitCommander: {
          finding: "EPTS-LOD-NA",
          byReasonOfId: ByReasonOf.PreExisting,
          explanation:
            "Per the medical officer the condition existed before service and the run did not aggravate it.",
        },
        wingJa: {
          concur: true,
          explanation: "Legally sufficient; the pre-service operative note is in the file.",
        },
        wingCommander: {
          finding: "EPTS-LOD-NA",
          concur: true,
          byReasonOfId: ByReasonOf.PreExisting,
          explanation: "Concur.",
        },
        boardTechnician: {
          finding: "EPTS-LOD-NA",
          concur: true,
          byReasonOfId: ByReasonOf.PreExisting,
          explanation: "Operative note of the pre-service surgery and the MRI report attached.",
        },
        boardMedical: {
          finding: "EPTS-LOD-NA",
          concur: true,
          byReasonOfId: ByReasonOf.PreExisting,
          explanation:
            "No acute findings; natural progression of the pre-service tear, not aggravated by the run.",
        },
        boardLegal: {
          finding: "EPTS-LOD-NA",
          concur: true,
          byReasonOfId: ByReasonOf.PreExisting,
          explanation: "Legally sufficient.",
        },
        approvingAuthority: {
          finding: "EPTS-LOD-NA",
          concur: true,
          byReasonOfId: ByReasonOf.PreExisting,
          explanation: "Existed prior to service and not aggravated by service: line of duty not applicable.",
        },
      },
    }),
  },
  {
    key: "mva-detour-home",
    formal: false,
    content: (f) => ({
      incident: "Wrist fracture in a collision on a personal detour on the way home from the UTA",
      memberDutyStatus: "inactive_duty_training",
      technician: {
        natureOfEvent: "injury",
        eventDetails: `Driver in a single-car collision on a wet rural road at about 1900 on ${spoken(f.eventDate)}, after the UTA ended; pain and deformity of the left wrist.`,
        treatmentFacility: f.base.hospital,
        treatmentFacilityType: "civilian",
        treatmentDate: f.eventDate,
        icd10Code: "S52.502",
        seventhCharacter: "A",
        diagnosisText: "Displaced fracture of the lower end of the left radius",
        deathInvolved: false,
        motorVehicleAccident: true,
        alcoholTestDone: true,
        alcoholTestResult: "Negative: breath test by the state patrol at the scene, 0.00",
        drugTestDone: false,
        otherTests: "X-ray left wrist: displaced distal radius fracture; closed reduction and cast",
        otherTestsDate: f.eventDate,
      },
      officer: {
        psychiatricEvaluation: false,
        existedPriorToService: false,
        mobilityStandardsMet: false,
        medicalOfficerComments:
          "Closed reduction in the emergency department; orthopaedic follow-up for possible fixation. Non-deployable and no flying duties for twelve weeks.",
      },
      unit: {
        dutyStatus: "travel_to_or_from_duty",
        dutyFrom: addDays(f.eventDate, -1),
        dutyTo: f.eventDate,
        onOrders: false,
        activated: false,
        informationSource: "member",
        circumstances: `The UTA of the ${f.unitName} at ${f.base.name} ended at 1630 on ${spoken(f.eventDate)}. ${f.member} lives about 60 miles north of the base but first drove 45 miles east to collect a relative's car, then headed home; the collision happened on that detour at about 1900. The member told the first sergeant the next morning and gave the same account to the commander.`,
        witnesses: [
          witness(
            f.people[2],
            `First sergeant. ${f.member} phoned me the morning after and told me about the detour to pick up the car; the account has not changed since.`,
          ),
        ],
        proximateCauseId: ProximateCause.MotorVehicle,
        memberCredible: true,
        travelOccurrence: "travelling_from_duty",
        proofOfStatusVerified: true,
      },
      findings: {
        unitCommander: {
          finding: "ILOD",
          byReasonOfId: ByReasonOf.Travel,
          explanation: "The member was on the way home from the UTA when injured.",
        },
        wingJa: {
          finding: "NILOD-NOT-MISCONDUCT",
          concur: false,
          byReasonOfId: ByReasonOf.Travel,
          explanation:
            "Non-concur. Coverage applies to travel directly to or from the duty site; the 45-mile detour for a personal errand was a substantial deviation and the injury happened on it. No misconduct: the member was sober and within the speed limit.",
        },
        wingCommander: {
          finding: "NILOD-NOT-MISCONDUCT",
          concur: true,
          byReasonOfId: ByReasonOf.Travel,
          explanation: "Concur with the staff judge advocate: the detour ended the duty-related travel.",
        },
        boardTechnician: {
          finding: "NILOD-NOT-MISCONDUCT",
          concur: true,
          byReasonOfId: ByReasonOf.Travel,
          explanation: "Route map and the member's statement attached.",
        },
        boardMedical: {
          finding: "NILOD-NOT-MISCONDUCT",
          concur: true,
          byReasonOfId: ByReasonOf.Travel,
          explanation: "Medical facts not in dispute; injury consistent with the collision.",
        },
        boardLegal: {
          finding: "NILOD-NOT-MISCONDUCT",
          concur: true,
          byReasonOfId: ByReasonOf.Travel,
          explanation: "Legally sufficient: a substantial deviation for personal reasons.",
        },
        approvingAuthority: {
          finding: "NILOD-NOT-MISCONDUCT",
          concur: true,
          byReasonOfId: ByReasonOf.Travel,
          explanation:
            "Not in line of duty, not due to the member's misconduct: injured on a personal deviation from the route home.",
        },
      },
    }),
  },
  {
    key: "dining-hall-assault",
    formal: true,
    content: (f) => ({
      incident: "Broken nose from an assault in the dining facility during annual tour",
      memberDutyStatus: "ad_30_days_or_less",
      technician: {
        natureOfEvent: "injury",
        eventDetails: `Punched in the face by another airman during an argument in the dining facility at ${f.base.name} at about 1830 on ${spoken(f.eventDate)}; nosebleed and swelling, no loss of consciousness.`,
        treatmentFacility: f.base.clinic,
        treatmentFacilityType: "military",
        treatmentDate: f.eventDate,
        icd10Code: "S02.2",
        seventhCharacter: "A",
        diagnosisText: "Closed fracture of the nasal bones",
        deathInvolved: false,
        motorVehicleAccident: false,
        alcoholTestDone: true,
        alcoholTestResult: "Negative: breath test by security forces, 0.00",
        drugTestDone: false,
        otherTests: "X-ray facial bones: non-displaced nasal bone fracture",
        otherTestsDate: f.eventDate,
      },
      officer: {
        psychiatricEvaluation: false,
        existedPriorToService: false,
        mobilityStandardsMet: true,
        medicalOfficerComments:
          "Non-displaced fracture managed without surgery; ENT review at one week. Light duty for seven days.",
      },
      unit: {
        dutyStatus: "annual_training",
        dutyFrom: addDays(f.eventDate, -8),
        dutyTo: addDays(f.eventDate, 6),
        onOrders: true,
        activated: false,
        informationSource: "police_report",
        circumstances: `${f.member} was on annual tour with the ${f.unitName} at ${f.base.name} and eating in the dining facility after the duty day. The security forces report says an airman from another unit accused the member of taking his seat and punched the member once; he was apprehended on the spot. Accounts differ on whether the member pushed him first.`,
        witnesses: [
          witness(
            f.people[0],
            "I was at the next table. The other airman started shouting and threw the punch; I did not see a push.",
          ),
          witness(
            f.people[3],
            `I think ${f.member} pushed his tray away and it hit him, then he swung. It happened fast.`,
          ),
        ],
        proximateCauseId: ProximateCause.Assault,
        memberCredible: true,
        travelOccurrence: "not_travelling",
        proofOfStatusVerified: true,
      },
      findings: {
        unitCommander: {
          finding: "FORMAL",
          explanation:
            "Witnesses disagree on who started it: a formal investigation should settle whether the member's own conduct contributed.",
        },
        wingJa: {
          concur: true,
          explanation:
            "Concur: conflicting accounts of a fight call for a formal investigation before a finding.",
        },
        wingCommander: {
          finding: "FORMAL",
          concur: true,
          explanation: `Formal investigation directed; ${f.people[1].name} appointed investigating officer.`,
        },
        boardTechnician: {
          finding: "ILOD",
          concur: true,
          byReasonOfId: ByReasonOf.Injury,
          explanation:
            "The investigating officer found, from the dining facility camera, that the member did not provoke or join the fight.",
        },
        boardLegal: {
          finding: "ILOD",
          concur: true,
          byReasonOfId: ByReasonOf.Injury,
          explanation:
            "Legally sufficient; the report's findings are supported by the camera footage and the witnesses.",
        },
        approvingAuthority: {
          finding: "ILOD",
          concur: true,
          byReasonOfId: ByReasonOf.Injury,
          explanation: "In line of duty: the member was the victim of an assault.",
        },
      },
    }),
  },
];
