import { useState } from "react";
import { saveThemeChoice, savedThemeChoice, type ThemeChoice } from "./themeChoice.ts";

const options: { value: ThemeChoice; label: string }[] = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** Settings → Appearance: System / Light / Dark, applied at once and remembered on this device. */
export function ThemeSetting() {
  const [choice, setChoice] = useState(savedThemeChoice);
  const choose = (next: ThemeChoice) => {
    setChoice(next);
    saveThemeChoice(next);
  };
  return (
    <fieldset className="segmented segmented--three">
      <legend className="visually-hidden">Theme</legend>
      {options.map((option) => (
        <label key={option.value} className="segmented__option">
          <input type="radio" name="theme" value={option.value} checked={choice === option.value} onChange={() => choose(option.value)} />
          <span>{option.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
