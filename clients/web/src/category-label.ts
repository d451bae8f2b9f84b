/** A category as people read it: "new-follower" reads "New follower". */
export function categoryLabel(category: string): string {
  const words = category.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
