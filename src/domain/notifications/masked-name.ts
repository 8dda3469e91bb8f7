/**
 * The member's name as a notification may carry it: grade, the initial of the last name and of the first name
 * ("E-5 D., J."). Email leaves the system, so it names the member only enough for the recipient to recognise the
 * case they already have access to; the SSN and the medical detail never appear (REQUIREMENTS §8).
 */
export function maskedMemberName(member: { grade: string; lastName: string; firstName: string }): string {
  const initial = (name: string) => {
    const first = name.trim().charAt(0).toUpperCase();
    return first ? `${first}.` : "";
  };
  const name = [initial(member.lastName), initial(member.firstName)].filter(Boolean).join(", ");
  return [member.grade.trim(), name].filter(Boolean).join(" ");
}
